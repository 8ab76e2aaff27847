"""Training with torch: small helpers around a loop you can read, and ``fit`` for when the loop is not the lesson.

The loop the notebooks show (the first time each kind of model is trained)::

    for step in range(max_steps):
        x, y = next_batch(step)
        loss = loss_fn(model(x), y)                               # forward
        check_finite(loss, step + 1, lr=lr)                       # divergence guard
        optimizer.zero_grad()
        loss.backward()                                           # backward (BPTT)
        grad_norm = nn.utils.clip_grad_norm_(model.parameters(), clip)   # clip (returns the norm before)
        optimizer.step()                                          # step
        if (step + 1) % eval_every == 0:
            val_loss = evaluate(model, val_data)                  # evaluate (in ``evaluating(model)``)
            history.record(step + 1, loss.item(), val_loss)       # log
            stopper.update(val_loss, step + 1)
            if stopper.should_stop:
                break
    stopper.restore_best()

Modules, one idea each:
    progress        ProgressBar: live in a kernel, finished (not stale) in the saved notebook
    history         LossHistory: steps, training and validation losses per evaluation
    live_plot       LiveLossPlot (updated in place), plot_history
    early_stopping  EarlyStopping: best validation loss, its step and weights; patience
    guards          check_finite, TrainingDiverged
    modes           evaluating(model): eval mode + no_grad, the previous mode restored even on errors
    checkpoints     save_checkpoint / load_checkpoint (weights_only=True), CheckpointError
    seeding         set_seed
    fit             fit(model, train, val, ...) -> History, evaluate, predict
"""
from .checkpoints import CheckpointError, load_checkpoint, save_checkpoint  # noqa: F401
from .early_stopping import EarlyStopping  # noqa: F401
from .fit import History, evaluate, fit, predict  # noqa: F401
from .guards import TrainingDiverged, check_finite  # noqa: F401
from .history import LossHistory  # noqa: F401
from .live_plot import LiveLossPlot, plot_history  # noqa: F401
from .modes import evaluating  # noqa: F401
from .progress import ProgressBar  # noqa: F401
from .seeding import set_seed  # noqa: F401
