"""The small helpers around a readable training loop: progress bar, early stopping, guard, modes, history, losses."""
import io
import math

import pytest
import torch
from torch import nn

from lessons_lib.training import (EarlyStopping, LiveLossPlot, LossHistory, ProgressBar, TrainingDiverged,
                                  check_finite, cross_entropy, evaluating, loss_function, mse)


def test_progress_bar_counts_and_says_how_it_ended():
    out = io.StringIO()
    with ProgressBar(10, desc="training", min_interval=0.0, file=out) as bar:
        for _ in range(10):
            bar.update(loss="0.5")
    lines = out.getvalue().splitlines()
    assert len(lines) == 11 and lines[0].startswith("training: 1/10 steps (10%)")
    assert "10/10 steps (100%)" in lines[-1] and "loss 0.5" in lines[-1] and lines[-1].endswith("— done")

    out = io.StringIO()
    bar = ProgressBar(100, min_interval=60.0, file=out)
    for _ in range(3):
        bar.update()
    bar.close(note="early stopping")
    bar.close()  # closing twice draws nothing more
    lines = out.getvalue().splitlines()
    assert len(lines) == 2, "the first update draws, the next two are only counted, close draws the final state"
    assert "3/100 steps (3%)" in lines[-1] and lines[-1].endswith("— early stopping")
    with pytest.raises(RuntimeError, match="closed"):
        bar.update()


def test_progress_bar_closed_by_an_exception_says_so():
    out = io.StringIO()
    with pytest.raises(KeyError):
        with ProgressBar(5, file=out) as bar:
            bar.update()
            raise KeyError("x")
    assert out.getvalue().splitlines()[-1].endswith("— stopped by KeyError")


def test_progress_bar_rejects_a_bad_total():
    with pytest.raises(ValueError, match="total must be a positive integer; got 0"):
        ProgressBar(0)


def test_early_stopping_keeps_the_best_weights_and_counts_patience():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(model, patience=2)
    assert not stopper.restore_best()
    with torch.no_grad():
        model.weight.fill_(1.0)
    assert stopper.update(0.5, step=10)
    best = model.weight.detach().clone()
    with torch.no_grad():
        model.weight.fill_(7.0)          # training moves on ...
    assert not stopper.update(0.6, step=20) and not stopper.should_stop
    assert not stopper.update(0.5, step=30) and stopper.should_stop   # equal is no improvement
    assert (stopper.best_loss, stopper.best_step) == (0.5, 10)
    assert stopper.restore_best() and torch.equal(model.weight, best)


def test_early_stopping_min_delta_and_bad_arguments():
    stopper = EarlyStopping(nn.Linear(1, 1), min_delta=0.1)
    stopper.update(1.0, 1)
    assert not stopper.update(0.95, 2) and stopper.update(0.85, 3)
    assert not stopper.should_stop, "without patience it never asks to stop"
    with pytest.raises(ValueError, match="patience must be a positive integer"):
        EarlyStopping(nn.Linear(1, 1), patience=0)
    with pytest.raises(ValueError, match="val_loss must be finite"):
        stopper.update(math.nan, 4)


def test_check_finite_passes_numbers_and_explains_divergence():
    assert check_finite(torch.tensor(0.25), step=1) == 0.25
    with pytest.raises(TrainingDiverged, match=r"step 7: the training loss became inf.*last finite loss was 3.*"
                                               r"clip_grad_norm_.*lr=0.03"):
        check_finite(torch.tensor(math.inf), step=7, lr=0.3, last_finite=3.0)
    with pytest.raises(TrainingDiverged, match="clipping was on"):
        check_finite(math.nan, step=1, clip_norm=1.0)


def test_evaluating_restores_the_mode_even_when_the_block_raises():
    model = nn.Dropout(0.5)
    model.train()
    with evaluating(model):
        assert not model.training and not torch.is_grad_enabled()
    assert model.training and torch.is_grad_enabled()
    with pytest.raises(ZeroDivisionError):
        with evaluating(model):
            1 / 0
    assert model.training
    model.eval()
    with evaluating(model):
        pass
    assert not model.training, "a model in eval mode stays in eval mode"


def test_loss_history_feeds_the_live_plot():
    history = LossHistory()
    history.record(10, 1.0, 1.5)
    history.record(20, 0.5)
    assert history.steps == [10, 20] and history.train_loss == [1.0, 0.5] and history.val_loss == [1.5]
    plot = LiveLossPlot()
    plot.update(history, force=True)
    assert list(plot.train_line.get_xdata()) == [10, 20] and list(plot.val_line.get_ydata()) == [1.5]


def test_losses_check_shapes_that_torch_would_broadcast():
    prediction, target = torch.tensor([[1.0], [3.0]]), torch.tensor([[0.0], [1.0]])
    assert float(mse(prediction, target)) == pytest.approx((1 + 4) / 2)
    assert float(mse(prediction, target, reduction="sum")) == pytest.approx(5.0)
    with pytest.raises(ValueError, match=r"mse: prediction shape \(2, 1\) differs from target shape \(2,\)"):
        mse(prediction, target[:, 0])
    logits = torch.log(torch.tensor([[[0.5, 0.5]], [[0.25, 0.75]]]))          # (T=2, B=1, C=2)
    targets = torch.tensor([[0], [1]])                                         # (T=2, B=1)
    expected = -(math.log(0.5) + math.log(0.75)) / 2                            # mean over the T·B positions
    assert float(cross_entropy(logits, targets)) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match=r"logits \(2, 1, 2\) must be the target shape \(2,\) plus a class axis"):
        cross_entropy(logits, targets[:, 0])
    assert loss_function("mse") is mse and loss_function(abs) is abs
    with pytest.raises(ValueError, match=r"loss must be one of \['mse', 'cross_entropy'\]"):
        loss_function("mae")
