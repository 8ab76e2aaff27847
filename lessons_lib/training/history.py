"""What a training loop logs at each evaluation: the step, the training loss, the validation loss."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LossHistory:
    """Losses per evaluation: ``steps[k]`` (optimisation steps done), ``train_loss[k]``, ``val_loss[k]``.

    ``val_loss`` stays empty when a loop has no validation data. :class:`~lessons_lib.training.LiveLossPlot`
    and :func:`~lessons_lib.training.plot_history` read these three lists.
    """

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)

    def record(self, step: int, train_loss: float, val_loss: float | None = None) -> None:
        """Append one evaluation (``val_loss=None`` when there is no validation data)."""
        self.steps.append(int(step))
        self.train_loss.append(float(train_loss))
        if val_loss is not None:
            self.val_loss.append(float(val_loss))
