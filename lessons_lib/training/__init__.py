"""Training with torch: small helpers around a loop you can read, and ``fit`` for when the loop is not the lesson.

The loop the notebooks show (the first time each kind of model is trained)::

    next_batch = EpochBatches(X_train, Y_train, batch_size=32)    # or any function step -> (X, Y)
    with ProgressBar(max_steps) as bar:
        for step in range(max_steps):
            X, Y = next_batch(step)
            loss = F.mse_loss(model(X), Y)                            # forward
            check_finite(loss, step + 1, lr=lr)                       # divergence guard
            optimizer.zero_grad()
            loss.backward()                                           # backward (BPTT)
            nn.utils.clip_grad_norm_(model.parameters(), clip)        # clip (returns the norm before)
            optimizer.step()                                          # step
            bar.update(loss=f"{loss.item():.3f}")
            if (step + 1) % eval_every == 0:
                with evaluating(model):                               # evaluate: eval mode, no gradients
                    val_loss = F.mse_loss(model(X_val), Y_val).item()
                history.record(step + 1, loss.item(), val_loss)       # log
                stopper.update(val_loss, step + 1)
                if stopper.should_stop:
                    bar.close(note="early stopping")
                    break
    stopper.restore_best()

Modules, one idea each:
    batches         EpochBatches: a fixed set as a function step -> (X, Y), reshuffled every epoch
    losses          mse, cross_entropy (with shape checks), loss_function
    progress        ProgressBar: live in a kernel, finished (not stale) in the saved notebook
    history         LossHistory: steps, training and validation losses per evaluation
    live_plot       LiveLossPlot (updated in place), plot_history
    early_stopping  EarlyStopping: best validation loss, its step and weights; patience
    guards          check_finite, TrainingDiverged
    modes           evaluating(model): eval mode + no_grad, the previous mode restored even on errors
    checkpoints     save_checkpoint / load_checkpoint (weights_only=True), CheckpointError
    seeding         set_seed
    fit             fit(model, batches, val, max_steps=...) -> History (the loop above), evaluate, predict
"""
from .batches import EpochBatches  # noqa: F401
from .checkpoints import CheckpointError, load_checkpoint, save_checkpoint  # noqa: F401
from .early_stopping import EarlyStopping  # noqa: F401
from .fit import History, evaluate, fit, predict  # noqa: F401
from .guards import TrainingDiverged, check_finite  # noqa: F401
from .history import LossHistory  # noqa: F401
from .live_plot import LiveLossPlot, plot_history  # noqa: F401
from .losses import cross_entropy, loss_function, mse  # noqa: F401
from .modes import evaluating  # noqa: F401
from .progress import ProgressBar  # noqa: F401
from .seeding import set_seed  # noqa: F401
