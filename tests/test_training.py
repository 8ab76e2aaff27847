"""fit(): what it records, early stopping, the divergence guard, batch sources, checkpoints, bad arguments."""
import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

from lessons_lib.models import SequenceRegressor
from lessons_lib.training import (CheckpointError, EpochBatches, History, LiveLossPlot, LossHistory, TrainingDiverged,
                                  evaluate, fit, load_checkpoint, plot_history, predict, save_checkpoint, set_seed)


def mean_task(n=128, T=6, seed=0):
    """y = mean over time of x: learnable by any of the cells; Var(y) = 1/T."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(T, n, 1, generator=g)
    return x, x.mean(dim=0)


def epochs_of(data, batch_size=32, seed=0):
    return EpochBatches(*data, batch_size=batch_size, seed=seed)


class Linear(nn.Module):
    """ŷ = Σ_t x_t w_t + b: a model whose gradient we can write down (for the gradient-norm checks)."""

    def __init__(self, T):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(T))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, x):  # x (T, B, 1) -> (B, 1)
        return (x[:, :, 0] * self.w[:, None]).sum(0)[:, None] + self.b


def test_set_seed_makes_runs_repeatable():
    runs = []
    for _ in range(2):
        set_seed(5)
        model = SequenceRegressor(1, 4)
        history = fit(model, epochs_of(mean_task(64), 16), mean_task(32, seed=1), max_steps=12, eval_every=4,
                      progress=False)
        runs.append((history.step_train_loss, history.val_loss, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    for a, b in zip(runs[0][2], runs[1][2]):
        assert torch.equal(a, b)
    set_seed(7)
    first = (np.random.rand(), torch.rand(1).item())
    set_seed(7)
    assert (np.random.rand(), torch.rand(1).item()) == first
    with pytest.raises(ValueError, match="seed must be an integer >= 0; got -1"):
        set_seed(-1)
    with pytest.raises(ValueError, match="seed must be an integer >= 0; got 1.5"):
        set_seed(1.5)


# ---------------------------------------------------------------------------------------- EpochBatches
def test_epoch_batches_cover_the_set_once_per_epoch_reshuffled():
    X = torch.arange(10.0).reshape(1, 10, 1)                 # (T=1, N=10, I=1): sequence n holds n
    Y = torch.arange(10.0)[:, None] * 10                     # (N, 1): target of sequence n is 10 n
    batches = EpochBatches(X, Y, batch_size=4, seed=3)
    assert batches.steps_per_epoch == 3
    seen = [batches(step) for step in range(6)]
    assert [x.shape for x, _ in seen] == [(1, 4, 1), (1, 4, 1), (1, 2, 1)] * 2
    for x, y in seen:                                        # inputs and targets stay paired
        torch.testing.assert_close(y, 10 * x[0])
    epochs = [sorted(torch.cat([x[0, :, 0] for x, _ in seen[e * 3:(e + 1) * 3]]).tolist()) for e in range(2)]
    assert epochs == [list(range(10))] * 2                   # every sequence once per epoch
    first, second = (torch.cat([x[0, :, 0] for x, _ in seen[e * 3:(e + 1) * 3]]) for e in range(2))
    assert not torch.equal(first, second), "each epoch has its own order"
    assert not torch.equal(first, torch.arange(10.0)), "the order is shuffled"


def test_epoch_batches_depend_only_on_the_step_and_the_seed():
    X, Y = mean_task(20)
    a, b = EpochBatches(X, Y, 8, seed=1), EpochBatches(X, Y, 8, seed=1)
    later = a(7)
    for step in range(7):
        a(step)
    assert torch.equal(a(7)[0], later[0]) and torch.equal(b(7)[0], later[0])
    assert not torch.equal(EpochBatches(X, Y, 8, seed=2)(0)[0], a(0)[0])


def test_epoch_batches_convert_numpy_and_refuse_bad_input():
    x, y = mean_task(6)
    X, Y = EpochBatches(x.double().numpy(), y.double().numpy(), 6)(0)
    assert X.dtype == torch.float32 and Y.dtype == torch.float32 and X.shape == (6, 6, 1)
    with pytest.raises(ValueError, match=r"X must be 3-D \(T, N, I\)"):
        EpochBatches(x[:, :, 0], y, 2)
    with pytest.raises(ValueError, match=r"X holds 6 sequences .* Y must be \(N=6, ...\)"):
        EpochBatches(x, y[:5], 2)
    with pytest.raises(ValueError, match="batch_size must be a positive integer; got 0"):
        EpochBatches(x, y, 0)
    with pytest.raises(ValueError, match="torch tensor or a numpy array"):
        EpochBatches([[1.0]], y, 2)
    with pytest.raises(ValueError, match="step must be an integer >= 0"):
        EpochBatches(x, y, 2)(-1)


# ---------------------------------------------------------------------------------------- fit
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_fit_learns_a_learnable_task(cell):
    set_seed(0)
    model = SequenceRegressor(1, 8, cell=cell)
    train, val = mean_task(256), mean_task(128, seed=1)
    variance = float(val[1].var())
    history = fit(model, epochs_of(train, 32), val, max_steps=240, eval_every=8, lr=1e-2, progress=False)
    assert history.val_loss[-1] < 0.1 * variance, (cell, history.val_loss[-1], variance)
    assert history.train_loss[-1] < history.train_loss[0]


def test_history_records_every_step_and_each_evaluation():
    set_seed(0)
    model = SequenceRegressor(1, 4)
    batches = epochs_of(mean_task(100), 32)
    history = fit(model, batches, mean_task(20, seed=1), max_steps=3 * 4, eval_every=4, progress=False)
    assert history.steps_per_epoch == 4 and history.steps == [4, 8, 12] and history.epochs == [1.0, 2.0, 3.0]
    assert len(history.step_train_loss) == len(history.grad_norm) == 12
    for k in range(3):  # train_loss = mean of the step losses since the previous evaluation
        assert history.train_loss[k] == pytest.approx(np.mean(history.step_train_loss[4 * k:4 * (k + 1)]))
    assert len(history.val_loss) == 3 and history.wall_time > 0
    assert history.stopped_because == "max_steps" and history.solved_step is None and not history.restored_best
    assert history.best_val_loss == min(history.val_loss)
    assert history.best_step == history.steps[int(np.argmin(history.val_loss))]
    assert history.val_loss[-1] == pytest.approx(evaluate(model, *mean_task(20, seed=1)))
    assert "stopped: max_steps" in history.summary()


def test_max_steps_and_eval_every_with_a_final_evaluation():
    history = fit(SequenceRegressor(1, 3), epochs_of(mean_task(64)), max_steps=10, eval_every=4, progress=False)
    assert history.steps == [4, 8, 10] and history.val_loss == []
    assert history.stopped_because == "max_steps" and history.best_step is None
    with pytest.raises(ValueError, match="epochs are defined only for a fixed training set"):
        fit(SequenceRegressor(1, 3), lambda step: mean_task(4), max_steps=2, progress=False).epochs


def test_batches_from_a_function_of_the_step():
    calls = []

    def batches(step):
        calls.append(step)
        return mean_task(16, seed=step)

    history = fit(SequenceRegressor(1, 4), batches, mean_task(32, seed=999), max_steps=12, eval_every=5, progress=False)
    assert calls == list(range(12))
    assert history.steps == [5, 10, 12] and history.steps_per_epoch is None
    default = fit(SequenceRegressor(1, 2), batches, max_steps=100, progress=False)
    assert default.steps[:2] == [2, 4]  # default eval_every = max_steps // 50


def test_fit_runs_the_loop_the_notebooks_write_out():
    """The same model, data and seed, trained by the loop of the package docstring and by fit: same numbers."""
    train, val = mean_task(64), mean_task(32, seed=1)
    set_seed(0)
    model = SequenceRegressor(1, 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    next_batch = epochs_of(train, 16)
    by_hand = []
    for step in range(12):
        X, Y = next_batch(step)
        loss = nn.functional.mse_loss(model(X), Y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        if (step + 1) % 4 == 0:
            model.eval()
            with torch.no_grad():
                by_hand.append(nn.functional.mse_loss(model(val[0]), val[1]).item())
            model.train()
    set_seed(0)
    history = fit(SequenceRegressor(1, 5), epochs_of(train, 16), val, max_steps=12, eval_every=4, lr=1e-2,
                  clip_norm=0.5, progress=False)
    assert history.val_loss == by_hand


def test_grad_norm_is_recorded_before_clipping_and_clipping_bounds_the_step():
    T, n = 4, 16
    x = torch.randn(T, n, 1)
    y = 100 * torch.ones(n, 1)  # far from the zero-initialised prediction: a large gradient
    # dL/dw_t = mean_b 2 (ŷ_b − y_b) x_tb = −2·100·mean_b x_tb at w = 0, and dL/db = −200
    expected_grad = torch.cat([-200 * x[:, :, 0].mean(1), torch.tensor([-200.0])])
    model = Linear(T)
    history = fit(model, epochs_of((x, y), n), max_steps=1, optimizer="sgd", lr=0.01, clip_norm=1.0, progress=False)
    assert history.grad_norm[0] == pytest.approx(float(expected_grad.norm()), rel=1e-5)
    assert history.grad_norm[0] > 1.0
    step = torch.cat([model.w.detach(), model.b.detach()])
    assert float(step.norm()) == pytest.approx(0.01 * 1.0, rel=1e-4)  # ‖Δθ‖ = lr · clip_norm
    torch.testing.assert_close(step, -0.01 * expected_grad / expected_grad.norm(), rtol=1e-4, atol=1e-7)
    unclipped = Linear(T)
    history = fit(unclipped, epochs_of((x, y), n), max_steps=1, optimizer="sgd", lr=0.01, progress=False)
    torch.testing.assert_close(torch.cat([unclipped.w.detach(), unclipped.b.detach()]), -0.01 * expected_grad,
                               rtol=1e-4, atol=1e-6)
    assert history.grad_norm[0] == pytest.approx(float(expected_grad.norm()), rel=1e-5)


def test_the_recorded_norm_is_the_one_clip_grad_norm_returns(monkeypatch):
    returned = []
    original = torch.nn.utils.clip_grad_norm_

    def spy(parameters, max_norm, *args, **kwargs):
        norm = original(parameters, max_norm, *args, **kwargs) + 0.125  # marked: a recomputed norm cannot pass
        returned.append(float(norm))
        return norm

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", spy)
    history = fit(SequenceRegressor(1, 3), epochs_of(mean_task(32), 8), max_steps=5, clip_norm=1.0, progress=False)
    assert history.grad_norm == returned and len(returned) == 5


def test_divergence_guard_stops_with_a_clear_message():
    set_seed(0)
    x = torch.randn(10, 64, 1)
    y = 10 * torch.randn(64, 1)
    with pytest.raises(TrainingDiverged) as info:
        fit(SequenceRegressor(1, 8), epochs_of((x, y)), max_steps=40, lr=10.0, optimizer="sgd", progress=False)
    error = info.value
    assert isinstance(error, RuntimeError)
    message = str(error)
    assert "training diverged at step" in message and ("inf" in message or "nan" in message)
    assert "last finite loss was" in message and "clip_grad_norm_" in message
    assert "lower learning rate" in message and "lr=10" in message
    history = error.history
    assert history.stopped_because == "diverged"
    assert all(math.isfinite(v) for v in history.step_train_loss)
    assert f"{history.step_train_loss[-1]:.4g}" in message
    assert f"step {len(history.step_train_loss) + 1}" in message


def test_divergence_guard_catches_nan_inputs_on_the_first_step():
    x = torch.full((3, 4, 1), float("nan"))
    with pytest.raises(TrainingDiverged, match="step 1: the training loss became nan"):
        fit(SequenceRegressor(1, 2), epochs_of((x, torch.zeros(4, 1))), max_steps=1, progress=False)


def test_a_non_finite_validation_loss_stops_with_a_clear_message():
    x, y = mean_task(16)
    bad_val = (x.clone(), y.clone())
    bad_val[0][0, 0, 0] = float("nan")
    with pytest.raises(TrainingDiverged, match=r"diverged at step 1: the validation loss became nan.*"
                                               r"clip_grad_norm_.*Check the data"):
        fit(SequenceRegressor(1, 2), epochs_of((x, y), 16), bad_val, max_steps=2, eval_every=1, progress=False)


def random_labels(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(5, n, 1, generator=g), torch.randn(n, 1, generator=g)


def test_early_stopping_restores_the_best_weights():
    """Random labels: the training loss falls (memorising), the validation loss rises -> early stop."""
    set_seed(0)
    model = SequenceRegressor(1, 32)
    train, val = random_labels(24, 0), random_labels(64, 1)
    history = fit(model, epochs_of(train, 24), val, max_steps=300, eval_every=1, lr=1e-2, patience=5, progress=False)
    assert history.stopped_because == "early_stopping"
    assert history.restored_best
    assert len(history.steps) - 1 - history.steps.index(history.best_step) == 5  # five evaluations without gain
    assert min(history.val_loss) == history.best_val_loss < history.val_loss[-1]
    assert evaluate(model, *val) == pytest.approx(history.best_val_loss, rel=1e-6)
    assert "weights restored from step" in history.summary()


def test_target_val_loss_stops_when_reached():
    set_seed(0)
    model = SequenceRegressor(1, 8)
    history = fit(model, epochs_of(mean_task(256), 32), mean_task(64, seed=1), max_steps=2000, eval_every=5, lr=1e-2,
                  target_val_loss=0.02, progress=False)
    assert history.stopped_because == "target_val_loss"
    assert history.solved_step == history.steps[-1] < 2000
    assert history.val_loss[-1] < 0.02 <= min(history.val_loss[:-1])


def test_per_step_cross_entropy_with_time_major_int_targets():
    """Per-step logits (T, B, C) against int targets (T, B): echo the current symbol."""
    set_seed(0)
    T, n, C = 6, 128, 4
    tokens = torch.randint(0, C, (T, n))
    x = nn.functional.one_hot(tokens, C).float()      # (T, n, C)
    model = SequenceRegressor(C, 16, C, per_step=True)
    quarter = lambda step: slice(32 * (step % 4), 32 * (step % 4) + 32)    # noqa: E731  batches along axis 1
    history = fit(model, lambda step: (x[:, quarter(step)], tokens[:, quarter(step)]), (x, tokens),
                  loss="cross_entropy", max_steps=160, eval_every=5, lr=1e-2, progress=False)
    assert history.val_loss[0] > 0.5 * math.log(C)
    assert history.val_loss[-1] < 0.05
    assert history.val_loss[-1] == pytest.approx(evaluate(model, x, tokens, "cross_entropy"))


def test_a_custom_loss_is_the_one_minimised_and_reported():
    def shifted_mae(prediction, target):  # the offset shows in every reported value; MSE would never reach 100
        return (prediction - target).abs().mean() + 100.0

    set_seed(0)
    model = SequenceRegressor(1, 4)
    history = fit(model, epochs_of(mean_task(32), 16), mean_task(16, seed=1), loss=shifted_mae, max_steps=4,
                  eval_every=2, progress=False)
    assert all(100 <= v < 102 for v in history.step_train_loss + history.val_loss)
    assert history.val_loss[-1] == pytest.approx(evaluate(model, *mean_task(16, seed=1), shifted_mae))


def test_the_progress_bar_runs_headless(capsys):
    history = fit(SequenceRegressor(1, 3), epochs_of(mean_task(32), 16), mean_task(16, seed=1), max_steps=4,
                  eval_every=2, progress=True)
    lines = capsys.readouterr().err.splitlines()  # outside a notebook the bar writes plain lines to stderr
    assert lines[0].startswith("training: 1/4 steps") and lines[-1].endswith("— done")
    assert len(history.steps) == 2


def test_the_progress_bar_says_why_training_stopped_early(capsys):
    set_seed(0)
    fit(SequenceRegressor(1, 32), epochs_of(random_labels(24, 0), 24), random_labels(64, 1), max_steps=300,
        eval_every=1, lr=1e-2, patience=3, progress=True)
    last = capsys.readouterr().err.splitlines()[-1]
    assert "steps (" in last and "/300 steps" in last and " — early stopping, best at step " in last


def test_live_plot_shows_the_history():
    history = History(steps=[10, 20, 30], train_loss=[1.0, 0.5, 0.25], val_loss=[1.1, 0.6, 0.4])
    plot = LiveLossPlot()
    plot.update(history, force=True)
    assert list(plot.train_line.get_xdata()) == [10, 20, 30]
    assert list(plot.train_line.get_ydata()) == [1.0, 0.5, 0.25]
    assert list(plot.val_line.get_ydata()) == [1.1, 0.6, 0.4]
    history.steps.append(40)
    history.train_loss.append(0.1)
    plot.update(history)
    assert list(plot.train_line.get_xdata()) == [10, 20, 30, 40]
    assert list(plot.val_line.get_xdata()) == [10, 20, 30]  # no validation value for step 40 yet


def test_plot_history_draws_both_curves():
    from matplotlib.figure import Figure
    history = History(steps=[2, 4], train_loss=[1.0, 0.5], val_loss=[1.2, 0.9], best_step=4, best_val_loss=0.9,
                      steps_per_epoch=2)
    ax = Figure().add_subplot()
    plot_history(history, ax, label="lstm", x="epochs")
    train, val, best = ax.lines
    assert list(train.get_xdata()) == [1.0, 2.0] and list(val.get_ydata()) == [1.2, 0.9]
    assert list(best.get_xdata()) == [2.0] and train.get_label() == "lstm: training"
    with pytest.raises(ValueError, match="x must be 'steps' or 'epochs'"):
        plot_history(history, ax, x="time")
    logged = LossHistory()                                    # what a hand-written loop records
    for step, train, val in [(3, 1.0, 1.5), (6, 0.5, 0.8), (9, 0.2, 0.9)]:
        logged.record(step, train, val)
    ax = Figure().add_subplot()
    plot_history(logged, ax, x="epochs", steps_per_epoch=3)
    assert list(ax.lines[0].get_xdata()) == [1.0, 2.0, 3.0]
    assert list(ax.lines[2].get_xdata()) == [2.0] and list(ax.lines[2].get_ydata()) == [0.8]   # the lowest
    with pytest.raises(ValueError, match="x='epochs' needs steps_per_epoch"):
        plot_history(logged, ax, x="epochs")


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(max_steps=0), "max_steps must be a positive integer; got 0"),
    (dict(max_steps=2.5), "max_steps must be a positive integer; got 2.5"),
    (dict(max_steps=1, eval_every=0), "eval_every must be a positive integer"),
    (dict(max_steps=1, lr=-1), "lr must be a positive number"),
    (dict(max_steps=1, clip_norm=0), "clip_norm must be positive"),
    (dict(max_steps=1, patience=3), "need validation data"),
    (dict(max_steps=1, target_val_loss=0.1), "need validation data"),
    (dict(max_steps=1, loss="mae"), r"loss must be one of \['mse', 'cross_entropy'\] or a callable"),
    (dict(max_steps=1, optimizer="lbfgs"), r"optimizer must be one of \['adam', 'sgd'\]"),
])
def test_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fit(SequenceRegressor(1, 2), epochs_of(mean_task(8)), progress=False, **kwargs)


def test_bad_data():
    model = SequenceRegressor(1, 2)
    x, y = mean_task(8)
    with pytest.raises(ValueError, match=r"batches must be a function step -> \(X, Y\)"):
        fit(model, (x, y), max_steps=1, progress=False)
    with pytest.raises(ValueError, match="val must be a pair"):
        fit(model, epochs_of((x, y)), x, max_steps=1, progress=False)
    with pytest.raises(ValueError, match=r"prediction shape \(8, 1\) differs from target shape \(8,\)"):
        fit(model, lambda step: (x, y[:, 0]), max_steps=1, progress=False)
    with pytest.raises(ValueError, match="torch tensor or a numpy array"):
        fit(model, lambda step: ([[1.0]], y), max_steps=1, progress=False)
    history = fit(model, lambda step: (x.double().numpy(), y.double().numpy()), max_steps=2, progress=False)
    assert len(history.step_train_loss) == 2  # numpy batches in any float dtype are converted


# ---------------------------------------------------------------------------------------- checkpoints
def test_checkpoint_round_trip(tmp_path):
    set_seed(0)
    model = SequenceRegressor(2, 5, 3, cell="gru")
    path = save_checkpoint(model, tmp_path / "model.pt", epoch=3, val_loss=0.25, sizes={"hidden": 5}, note=None)
    assert path.is_file() and not (tmp_path / "model.pt.partial").exists()
    other = SequenceRegressor(2, 5, 3, cell="gru")
    assert not torch.equal(other.head.weight, model.head.weight)
    metadata = load_checkpoint(other, path)
    assert metadata == {"epoch": 3, "val_loss": 0.25, "sizes": {"hidden": 5}, "note": None}
    for a, b in zip(model.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b)


def test_a_bare_state_dict_loads_too(tmp_path):
    model = SequenceRegressor(1, 3)
    torch.save(model.state_dict(), tmp_path / "bare.pt")
    assert load_checkpoint(SequenceRegressor(1, 3), tmp_path / "bare.pt") == {}


def test_missing_and_corrupt_checkpoints(tmp_path):
    model = SequenceRegressor(1, 3)
    with pytest.raises(FileNotFoundError, match="no checkpoint file at"):
        load_checkpoint(model, tmp_path / "nope.pt")
    (tmp_path / "garbage.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(CheckpointError, match="garbage.pt is not a readable checkpoint"):
        load_checkpoint(model, tmp_path / "garbage.pt")
    save_checkpoint(model, tmp_path / "good.pt")
    data = (tmp_path / "good.pt").read_bytes()
    (tmp_path / "truncated.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(model, tmp_path / "truncated.pt")
    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(CheckpointError, match="holds a list, not a checkpoint"):
        load_checkpoint(model, tmp_path / "list.pt")


def test_weights_only_refuses_arbitrary_objects(tmp_path):
    torch.save({"state_dict": {}, "metadata": {"obj": copy.copy}}, tmp_path / "code.pt")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(SequenceRegressor(1, 3), tmp_path / "code.pt")


def test_mismatched_checkpoints_name_keys_and_shapes(tmp_path):
    save_checkpoint(SequenceRegressor(1, 8), tmp_path / "h8.pt")
    model = SequenceRegressor(1, 4)
    before = copy.deepcopy(model.state_dict())
    with pytest.raises(CheckpointError, match=r"recurrent.weight_ih_l0: checkpoint \(32, 1\), model \(16, 1\)"):
        load_checkpoint(model, tmp_path / "h8.pt")
    for key, value in model.state_dict().items():  # nothing was half-loaded
        assert torch.equal(value, before[key])
    save_checkpoint(SequenceRegressor(1, 4, num_layers=2), tmp_path / "two_layers.pt")
    with pytest.raises(CheckpointError, match=r"unexpected keys .*'recurrent.weight_ih_l1'"):
        load_checkpoint(model, tmp_path / "two_layers.pt")
    with pytest.raises(CheckpointError, match=r"missing keys .*'recurrent.weight_ih_l1'"):
        load_checkpoint(SequenceRegressor(1, 4, num_layers=2), tmp_path / "h8.pt")


def test_metadata_must_be_plain_values(tmp_path):
    with pytest.raises(ValueError, match=r"metadata\['scale'\] .* got ndarray -- convert numpy values"):
        save_checkpoint(SequenceRegressor(1, 2), tmp_path / "m.pt", scale=np.ones(2))
    assert not (tmp_path / "m.pt").exists()


def test_predict_returns_numpy_and_restores_the_mode():
    model = SequenceRegressor(1, 3)
    x = torch.randn(4, 10, 1)
    with torch.no_grad():
        expected = model(x).double().numpy()
    model.train()
    out = predict(model, x.numpy())
    assert out.dtype == np.float64 and out.shape == (10, 1) and model.training
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    per_step = SequenceRegressor(1, 3, 2, per_step=True)
    assert predict(per_step, x).shape == (4, 10, 2)
    with pytest.raises(ValueError, match=r"X must be 3-D \(T, N, I\)"):
        predict(model, x[0])


def test_evaluate_accepts_numpy_in_any_float_dtype():
    model = SequenceRegressor(1, 3)
    x, y = mean_task(20)
    expected = evaluate(model, x, y)
    assert evaluate(model, x.double().numpy(), y.double().numpy()) == pytest.approx(expected, rel=1e-6)
    tokens = torch.randint(0, 4, (5, 20))
    per_step = SequenceRegressor(4, 3, 4, per_step=True)
    one_hot = nn.functional.one_hot(tokens, 4).float()
    value = evaluate(per_step, one_hot, tokens.numpy(), "cross_entropy")
    with torch.no_grad():
        logits = per_step(one_hot)
    expected = float(nn.functional.cross_entropy(logits.reshape(-1, 4), tokens.reshape(-1)))
    assert value == pytest.approx(expected, rel=1e-5)


class Fails(nn.Module):
    """A model whose forward raises: evaluate and predict must still give back its training mode."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        raise KeyError("broken model")


@pytest.mark.parametrize("call", [lambda m, x, y: evaluate(m, x, y), lambda m, x, y: predict(m, x)])
def test_evaluate_and_predict_restore_the_mode_even_when_the_model_raises(call):
    model = Fails()
    model.train()
    with pytest.raises(KeyError):
        call(model, *mean_task(4))
    assert model.training and torch.is_grad_enabled()


def test_inputs_follow_the_models_device_and_dtype():
    """fit/evaluate/predict move numpy or CPU inputs to the model's device (a GPU in real use; 'meta' here)."""
    from lessons_lib.training.fit import _as_model_input
    model = nn.Linear(2, 1).to(device="meta", dtype=torch.float64)
    X = _as_model_input(model, "X", np.zeros((3, 4, 2), dtype=np.float32))
    assert X.device.type == "meta" and X.dtype == torch.float64
    ids = _as_model_input(model, "Y", np.zeros((3, 4), dtype=np.int64))
    assert ids.device.type == "meta" and ids.dtype == torch.int64
