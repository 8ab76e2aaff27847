"""The character language model in torch: embedding → LSTM (or GRU) → dropout → linear, and its evaluation.

For characters ``x (T, B)`` (ids, time-major) and a state carried in from the previous window::

    e_t        = E[x_t]                                  embedding (嵌入), (T, B, E)
    h_t, c_t   = LSTM(e_t, h_{t−1}, c_{t−1})             num_layers stacked cells, (T, B, H)
    logits_t   = dropout(h_t) W_outᵀ + b_out             (T, B, V); softmax gives q(x_{t+1} | x_≤t)

Weight tying (权重共享, Press & Wolf 2017; Inan et al. 2017): with ``tie_weights=True`` the output layer
uses the embedding matrix, ``W_out = E`` (needs E = H), which saves V·H parameters. The shared matrix
starts from U(−0.1, 0.1) rather than the embedding's default N(0, 1): as output weights, N(0, 1) rows would
give logits of size √H at the start.

Evaluation is **stateful**, like training: the text is read as a few long streams and the state is
carried from window to window, so the model is scored with all the context it can use. It
returns one loss per character, in text order, so that it can be compared with the n-gram's
character by character.

The model also implements the sampling interface of :mod:`lessons_lib.language.sampling`
(``start`` / ``next_logits`` / ``advance``), like :class:`~lessons_lib.language.ngram.NGramModel`.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .._validate import check_int
from ..training import evaluating
from .tbptt import detach_state, streams

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}


class CharLM(nn.Module):
    """Embedding (V → E), ``num_layers`` × LSTM/GRU (H), dropout, linear read-out (H → V).

    ``forward(x (T, B), state=None) -> (logits (T, B, V), state)``; the state is ``(h, c)`` for the LSTM,
    ``h`` for the GRU, each ``(num_layers, B, H)``; ``None`` means zeros.
    """

    def __init__(self, vocab_size: int, embedding_size: int = 64, hidden_size: int = 256, num_layers: int = 1,
                 cell: str = "lstm", dropout: float = 0.0, tie_weights: bool = False):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}")
        if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
            raise ValueError(f"dropout must be a probability in [0, 1); got {dropout!r}")
        self.vocab_size = check_int("vocab_size", vocab_size)
        self.embedding_size = check_int("embedding_size", embedding_size)
        self.hidden_size = check_int("hidden_size", hidden_size)
        self.num_layers = check_int("num_layers", num_layers)
        self.cell, self.dropout_p, self.tie_weights = cell, float(dropout), bool(tie_weights)
        if tie_weights and embedding_size != hidden_size:
            raise ValueError(f"tie_weights=True needs embedding_size == hidden_size (W_out = E); got "
                             f"embedding_size={embedding_size}, hidden_size={hidden_size}")
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.recurrent = CELLS[cell](embedding_size, hidden_size, num_layers=num_layers,
                                     dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)
        if tie_weights:
            nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
            self.head.weight = self.embedding.weight

    def config(self) -> dict:
        """The constructor's arguments (stored in checkpoints, so a model can be rebuilt before loading)."""
        return {"vocab_size": self.vocab_size, "embedding_size": self.embedding_size, "hidden_size": self.hidden_size,
                "num_layers": self.num_layers, "cell": self.cell, "dropout": self.dropout_p,
                "tie_weights": self.tie_weights}

    def initial_state(self, batch: int, like: torch.Tensor | None = None):
        """Zeros ``(num_layers, B, H)`` (a pair for the LSTM), on the parameters' device and dtype."""
        h = self.head.weight.new_zeros(self.num_layers, batch, self.hidden_size)
        return (h, h.clone()) if self.cell == "lstm" else h

    def forward(self, x: torch.Tensor, state=None):
        if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.dtype != torch.int64:
            raise ValueError("x must be an int64 tensor of character ids with shape (T, B) (time-major); got "
                             + (f"shape {tuple(x.shape)}, dtype {x.dtype}" if isinstance(x, torch.Tensor)
                                else type(x).__name__))
        embedded = self.dropout(self.embedding(x))            # (T, B, E)
        hidden, state = self.recurrent(embedded, state)       # (T, B, H); state (num_layers, B, H)
        return self.head(self.dropout(hidden)), state         # (T, B, V)

    # ------------------------------------------------------------------ the sampling interface (see sampling.py)
    def start(self, prompt_ids):
        """Read ``prompt_ids (B, P)``; the state holds the recurrent state and the logits for the next character."""
        prompt = torch.as_tensor(np.asarray(prompt_ids), dtype=torch.int64, device=self.head.weight.device)
        if prompt.ndim != 2 or prompt.shape[1] == 0:
            raise ValueError(f"prompt_ids must be 2-D (B, P) with P >= 1; got shape {tuple(prompt.shape)}")
        with evaluating(self):
            logits, state = self(prompt.t())                  # (P, B, V)
        return state, logits[-1]

    def next_logits(self, state) -> np.ndarray:
        """The logits for the next character, ``(B, V)`` float64 numpy."""
        return state[1].double().cpu().numpy()

    def advance(self, state, ids):
        """Feed one character per stream, ``ids (B,)``."""
        x = torch.as_tensor(np.asarray(ids), dtype=torch.int64, device=self.head.weight.device)[None]  # (1, B)
        with evaluating(self):
            logits, recurrent = self(x, state[0])
        return recurrent, logits[0]


def char_losses(model: nn.Module, ids, n_streams: int = 32, window: int = 256, stateful: bool = True) -> np.ndarray:
    """−ln q(next character) for the targets ``ids[1 : L·S + 1]`` in text order, ``(L·S,)``, ``L = (N − 1) // S``.

    The text is read as ``n_streams`` (S) contiguous streams, ``window`` characters at a time, with the state
    carried over (eval mode, no gradients). Each stream starts from a zero state, so its first few
    characters are predicted without context; the last ``(N − 1) mod S`` characters are not scored.
    ``stateful=False`` starts every window from zeros instead: no context reaches back past a window's start.
    """
    inputs, targets = streams(ids, n_streams)                 # (L, S) each
    device = next(model.parameters()).device
    losses = torch.empty(targets.shape, dtype=torch.float64)
    state = None
    with evaluating(model):
        for start in range(0, inputs.shape[0], window):
            x, y = inputs[start:start + window].to(device), targets[start:start + window].to(device)
            logits, state = model(x, state if stateful else None)
            state = detach_state(state)
            step_losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
            losses[start:start + window] = step_losses.view(y.shape).double().cpu()
    return losses.t().reshape(-1).numpy()                     # stream 0, then stream 1, ...: text order


def cross_entropy(model: nn.Module, ids, n_streams: int = 32, window: int = 256, stateful: bool = True) -> float:
    """Mean of :func:`char_losses`: nats per character."""
    return float(char_losses(model, ids, n_streams, window, stateful).mean())


def scored_positions(n_chars: int, n_streams: int) -> slice:
    """The slice of ``ids`` whose characters :func:`char_losses` scores: ``ids[1 : L·S + 1]``."""
    L = (n_chars - 1) // n_streams
    return slice(1, L * n_streams + 1)


# ---------------------------------------------------------------------- checkpoints
def save_char_lm(model: CharLM, vocabulary, path, **metadata):
    """Save the weights as **float16** (half the size; they are converted back to float32 on loading), the
    model's constructor arguments and its vocabulary, with :func:`lessons_lib.training.save_checkpoint`."""
    import copy

    from ..training import save_checkpoint

    half = copy.deepcopy(model).half()
    return save_checkpoint(half, path, config=model.config(), characters="".join(vocabulary.characters),
                           unknown=vocabulary.unknown, weights_dtype="float16", **metadata)


def load_char_lm(path, device: str | torch.device = "cpu"):
    """Rebuild the model a checkpoint describes and load its weights (``weights_only=True``) as float32.

    Returns ``(model, vocabulary, metadata)``; the model is in eval mode.
    """
    from pathlib import Path

    from ..training import CheckpointError, load_checkpoint
    from .vocabulary import Vocabulary

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint file at {path} (run benchmarks/char_lm.py to write it)")
    content = torch.load(path, map_location="cpu", weights_only=True)   # first read: the sizes, to build the model
    metadata = content.get("metadata", {}) if isinstance(content, dict) else {}
    if "config" not in metadata or "characters" not in metadata:
        raise CheckpointError(f"{path} is not a CharLM checkpoint (no 'config' and 'characters' in its metadata)")
    model = CharLM(**metadata["config"])
    load_checkpoint(model, path)                                         # float16 values are copied into float32
    vocabulary = Vocabulary(list(metadata["characters"]), unknown=metadata["unknown"])
    if len(vocabulary) != model.vocab_size:
        raise CheckpointError(f"{path}: the vocabulary has {len(vocabulary)} characters, the model {model.vocab_size}")
    return model.to(device).eval(), vocabulary, metadata
