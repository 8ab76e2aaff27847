"""fit(): what it records, early stopping, the divergence guard, data layouts, checkpoints, bad arguments."""
import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

from lessons_lib.training import LiveLossPlot, plot_history
from lessons_lib.models import SequenceRegressor
from lessons_lib.training import (CheckpointError, History, TrainingDiverged, evaluate, fit, load_checkpoint,
                                  predict, save_checkpoint, set_seed)


def mean_task(n=128, T=6, seed=0):
    """y = mean over time of x: learnable by any of the cells; Var(y) = 1/T."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(T, n, 1, generator=g)
    return x, x.mean(dim=0)


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
        history = fit(model, mean_task(64), mean_task(32, seed=1), epochs=3, batch_size=16, progress=False)
        runs.append((history.step_train_loss, history.val_loss, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    for a, b in zip(runs[0][2], runs[1][2]):
        assert torch.equal(a, b)
    set_seed(7)
    first = (np.random.rand(), torch.rand(1).item())
    set_seed(7)
    assert (np.random.rand(), torch.rand(1).item()) == first
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        set_seed(-1)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_fit_learns_a_learnable_task(cell):
    set_seed(0)
    model = SequenceRegressor(1, 8, cell=cell)
    train, val = mean_task(256), mean_task(128, seed=1)
    variance = float(val[1].var())
    history = fit(model, train, val, epochs=30, lr=1e-2, batch_size=32, progress=False)
    assert history.val_loss[-1] < 0.1 * variance, (cell, history.val_loss[-1], variance)
    assert history.train_loss[-1] < history.train_loss[0]


def test_history_records_every_step_and_each_evaluation():
    set_seed(0)
    model = SequenceRegressor(1, 4)
    train = mean_task(100)
    history = fit(model, train, mean_task(20, seed=1), epochs=3, batch_size=32, progress=False)
    steps_per_epoch = math.ceil(100 / 32)
    assert history.steps_per_epoch == steps_per_epoch
    assert history.steps == [steps_per_epoch, 2 * steps_per_epoch, 3 * steps_per_epoch]  # default: once per epoch
    assert history.epochs == [1.0, 2.0, 3.0]
    assert len(history.step_train_loss) == len(history.grad_norm) == 3 * steps_per_epoch
    for k in range(3):  # train_loss = mean of the step losses since the previous evaluation
        chunk = history.step_train_loss[k * steps_per_epoch:(k + 1) * steps_per_epoch]
        assert history.train_loss[k] == pytest.approx(np.mean(chunk))
    assert len(history.val_loss) == len(history.eval_wall_time) == 3
    assert history.eval_wall_time == sorted(history.eval_wall_time) and history.wall_time >= history.eval_wall_time[-1]
    assert history.stopped_because == "epochs" and history.solved_step is None and not history.restored_best
    assert history.best_val_loss == min(history.val_loss)
    assert history.best_step == history.steps[int(np.argmin(history.val_loss))]
    assert history.val_loss[-1] == pytest.approx(evaluate(model, *mean_task(20, seed=1)))
    assert "stopped: epochs" in history.summary()


def test_max_steps_and_eval_every_with_a_final_evaluation():
    history = fit(SequenceRegressor(1, 3), mean_task(64), max_steps=10, eval_every=4, progress=False)
    assert history.steps == [4, 8, 10] and history.val_loss == []
    assert history.stopped_because == "max_steps" and history.best_step is None


def test_batches_cover_the_training_set_once_per_epoch():
    """Every sequence is used exactly once per epoch (last batch smaller)."""
    seen = []

    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))

        def forward(self, x):
            seen.append(x[0, :, 0].tolist())
            return x[0] * self.w

    x = torch.arange(10.0).reshape(1, 10, 1)
    fit(Recorder(), (x, torch.zeros(10, 1)), epochs=2, batch_size=4, progress=False, optimizer="sgd")
    assert [len(b) for b in seen] == [4, 4, 2, 4, 4, 2]
    assert sorted(sum(seen[:3], [])) == list(range(10)) and sorted(sum(seen[3:], [])) == list(range(10))
    assert sum(seen[:3], []) != sum(seen[3:], [])  # reshuffled


def test_grad_norm_is_recorded_before_clipping_and_clipping_bounds_the_step():
    T, n = 4, 16
    x = torch.randn(T, n, 1)
    y = 100 * torch.ones(n, 1)  # far from the zero-initialised prediction: a large gradient
    # dL/dw_t = mean_b 2 (ŷ_b − y_b) x_tb = −2·100·mean_b x_tb at w = 0, and dL/db = −200
    expected_grad = torch.cat([-200 * x[:, :, 0].mean(1), torch.tensor([-200.0])])
    model = Linear(T)
    history = fit(model, (x, y), max_steps=1, batch_size=n, optimizer="sgd", lr=0.01, clip_norm=1.0, progress=False)
    assert history.grad_norm[0] == pytest.approx(float(expected_grad.norm()), rel=1e-5)
    assert history.grad_norm[0] > 1.0
    step = torch.cat([model.w.detach(), model.b.detach()])
    assert float(step.norm()) == pytest.approx(0.01 * 1.0, rel=1e-4)  # ‖Δθ‖ = lr · clip_norm
    torch.testing.assert_close(step, -0.01 * expected_grad / expected_grad.norm(), rtol=1e-4, atol=1e-7)
    unclipped = Linear(T)
    history = fit(unclipped, (x, y), max_steps=1, batch_size=n, optimizer="sgd", lr=0.01, progress=False)
    torch.testing.assert_close(torch.cat([unclipped.w.detach(), unclipped.b.detach()]), -0.01 * expected_grad,
                               rtol=1e-4, atol=1e-6)
    assert history.grad_norm[0] == pytest.approx(float(expected_grad.norm()), rel=1e-5)


def test_divergence_guard_stops_with_a_clear_message():
    set_seed(0)
    x = torch.randn(10, 64, 1)
    y = 10 * torch.randn(64, 1)
    with pytest.raises(TrainingDiverged) as info:
        fit(SequenceRegressor(1, 8), (x, y), epochs=20, lr=10.0, optimizer="sgd", progress=False)
    error = info.value
    assert isinstance(error, RuntimeError)
    message = str(error)
    assert "training diverged at step" in message and "(epoch" in message
    assert "inf" in message or "nan" in message
    assert "Last finite training loss" in message and "last gradient norm" in message
    assert "clip_norm=1.0" in message and "lower learning rate" in message and "lr=10" in message
    history = error.history
    assert history.stopped_because == "diverged"
    assert all(math.isfinite(v) for v in history.step_train_loss)
    assert f"{history.step_train_loss[-1]:.4g}" in message
    assert f"step {len(history.step_train_loss) + 1}" in message


def test_divergence_guard_catches_nan_inputs_on_the_first_step():
    x = torch.full((3, 4, 1), float("nan"))
    with pytest.raises(TrainingDiverged, match="step 1 .*not finite.*none"):
        fit(SequenceRegressor(1, 2), (x, torch.zeros(4, 1)), epochs=1, progress=False)


def random_labels(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(5, n, 1, generator=g), torch.randn(n, 1, generator=g)


def test_early_stopping_restores_the_best_weights():
    """Random labels: the training loss falls (memorising), the validation loss rises -> early stop."""
    set_seed(0)
    model = SequenceRegressor(1, 32)
    train, val = random_labels(24, 0), random_labels(64, 1)
    history = fit(model, train, val, epochs=300, lr=1e-2, batch_size=24, patience=5, progress=False)
    assert history.stopped_because == "early_stopping"
    assert history.restored_best
    assert len(history.steps) - 1 - history.steps.index(history.best_step) == 5  # five evaluations without gain
    assert min(history.val_loss) == history.best_val_loss < history.val_loss[-1]
    assert evaluate(model, *val) == pytest.approx(history.best_val_loss, rel=1e-6)
    assert "weights restored from step" in history.summary()


def test_target_val_loss_stops_when_reached():
    set_seed(0)
    model = SequenceRegressor(1, 8)
    history = fit(model, mean_task(256), mean_task(64, seed=1), max_steps=2000, eval_every=5, lr=1e-2,
                  target_val_loss=0.02, progress=False)
    assert history.stopped_because == "target_val_loss"
    assert history.solved_step == history.steps[-1] < 2000
    assert history.val_loss[-1] < 0.02 <= min(history.val_loss[:-1])


def test_online_batches_from_a_callable():
    calls = []

    def batches(step):
        calls.append(step)
        return mean_task(16, seed=step)

    history = fit(SequenceRegressor(1, 4), batches, mean_task(32, seed=999), max_steps=12, eval_every=5, progress=False)
    assert calls == list(range(12))
    assert history.steps == [5, 10, 12] and history.steps_per_epoch is None
    default = fit(SequenceRegressor(1, 2), batches, max_steps=100, progress=False)
    assert default.steps[:2] == [2, 4]  # default eval_every = max_steps // 50
    with pytest.raises(ValueError, match="use max_steps, not epochs"):
        fit(SequenceRegressor(1, 4), batches, epochs=2, progress=False)


def test_per_step_cross_entropy_with_time_major_int_targets():
    """Per-step logits (T, B, C) against int targets (T, B): echo the current symbol."""
    set_seed(0)
    T, n, C = 6, 128, 4
    tokens = torch.randint(0, C, (T, n))
    x = nn.functional.one_hot(tokens, C).float()      # (T, n, C)
    model = SequenceRegressor(C, 16, C, per_step=True)
    history = fit(model, (x, tokens), (x, tokens), loss="cross_entropy", epochs=40, lr=1e-2, progress=False)
    assert history.val_loss[0] > 0.5 * math.log(C)
    assert history.val_loss[-1] < 0.05
    # the batch axis of the targets is axis 1 (declared explicitly, same result)
    set_seed(0)
    again = SequenceRegressor(C, 16, C, per_step=True)
    explicit = fit(again, (x, tokens), (x, tokens), loss="cross_entropy", epochs=2, lr=1e-2, progress=False,
                   y_batch_dim=1)
    set_seed(0)
    auto = fit(SequenceRegressor(C, 16, C, per_step=True), (x, tokens), (x, tokens), loss="cross_entropy",
               epochs=2, lr=1e-2, progress=False)
    assert explicit.step_train_loss == auto.step_train_loss


def test_batch_first_data_and_numpy_inputs():
    x, y = mean_task(64)
    set_seed(0)
    model = SequenceRegressor(1, 4, batch_first=True)
    bf = fit(model, (x.transpose(0, 1).numpy().astype(np.float64), y.numpy()), epochs=2, time_major=False,
             progress=False)
    set_seed(0)
    tm = fit(SequenceRegressor(1, 4), (x, y), epochs=2, progress=False)
    np.testing.assert_allclose(bf.step_train_loss, tm.step_train_loss, rtol=1e-5)


def test_custom_loss_callable():
    def mae(prediction, target):
        return (prediction - target).abs().mean()

    history = fit(SequenceRegressor(1, 4), mean_task(32), mean_task(16, seed=1), loss=mae, epochs=2, progress=False)
    assert len(history.val_loss) == 2


def test_progress_bar_and_live_plot_run_headless(capsys):
    history = fit(SequenceRegressor(1, 3), mean_task(32), mean_task(16, seed=1), epochs=2, progress=True,
                  live_plot=True)
    assert "training" in capsys.readouterr().err  # tqdm writes to stderr outside a notebook
    assert len(history.steps) == 2


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


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(), "give exactly one of epochs and max_steps"),
    (dict(epochs=1, max_steps=1), "give exactly one of epochs and max_steps"),
    (dict(epochs=0), "epochs must be a positive integer; got 0"),
    (dict(epochs=1, batch_size=0), "batch_size must be a positive integer"),
    (dict(epochs=1, lr=-1), "lr must be a positive number"),
    (dict(epochs=1, clip_norm=0), "clip_norm must be positive"),
    (dict(epochs=1, patience=3), "need validation data"),
    (dict(epochs=1, target_val_loss=0.1), "need validation data"),
    (dict(epochs=1, loss="mae"), r"loss must be one of \['mse', 'cross_entropy'\] or a callable"),
    (dict(epochs=1, optimizer="lbfgs"), "optimizer must be one of"),
])
def test_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fit(SequenceRegressor(1, 2), mean_task(8), progress=False, **kwargs)


def test_bad_data():
    model = SequenceRegressor(1, 2)
    x, y = mean_task(8)
    with pytest.raises(ValueError, match="must be a pair"):
        fit(model, x, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"must be 3-D \(T, N, I\)"):
        fit(model, (x[:, :, 0], y), epochs=1, progress=False)
    with pytest.raises(ValueError, match="X has 8 sequences .* but Y has 7"):
        fit(model, (x, y[:7]), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"prediction shape \(8, 1\) differs from target shape \(8,\)"):
        fit(model, (x, y[:, 0]), epochs=1, batch_size=8, progress=False)
    with pytest.raises(ValueError, match="must hold floats"):
        fit(model, (x.long(), y), epochs=1, progress=False)
    with pytest.raises(ValueError, match="torch tensor or a numpy array"):
        fit(model, ([[1.0]], y), epochs=1, progress=False)


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


def test_predict_returns_numpy_in_chunks_and_restores_the_mode():
    model = SequenceRegressor(1, 3)
    x = torch.randn(4, 10, 1)
    with torch.no_grad():
        expected = model(x).double().numpy()
    model.train()
    out = predict(model, x.numpy(), batch_size=3)
    assert out.dtype == np.float64 and out.shape == (10, 1) and model.training
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    per_step = SequenceRegressor(1, 3, 2, per_step=True)
    assert predict(per_step, x, batch_size=4).shape == (4, 10, 2)
    with pytest.raises(ValueError, match=r"X must be 3-D \(T, N, I\)"):
        predict(model, x[0])


def test_evaluate_accepts_numpy_in_any_float_dtype():
    model = SequenceRegressor(1, 3)
    x, y = mean_task(20)
    expected = evaluate(model, x, y)
    assert evaluate(model, x.double().numpy(), y.double().numpy(), batch_size=7) == pytest.approx(expected, rel=1e-6)
    tokens = torch.randint(0, 4, (5, 20))
    per_step = SequenceRegressor(4, 3, 4, per_step=True)
    one_hot = nn.functional.one_hot(tokens, 4).float()
    value = evaluate(per_step, one_hot, tokens.numpy(), "cross_entropy", y_batch_dim=1, batch_size=6)
    with torch.no_grad():
        logits = per_step(one_hot)
    expected = float(nn.functional.cross_entropy(logits.reshape(-1, 4), tokens.reshape(-1)))
    assert value == pytest.approx(expected, rel=1e-5)


def test_a_non_finite_validation_loss_stops_with_a_clear_message():
    x, y = mean_task(16)
    bad_val = (x.clone(), y.clone())
    bad_val[0][0, 0, 0] = float("nan")
    with pytest.raises(TrainingDiverged, match=r"diverged at step 1 \(epoch 1\): the validation loss became nan.*"
                                               r"clip_norm=1.0.*Check the validation data"):
        fit(SequenceRegressor(1, 2), (x, y), bad_val, epochs=2, batch_size=16, progress=False)
