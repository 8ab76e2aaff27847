"""A character RNN from scratch in numpy: :mod:`lessons_lib.rnn` plus a softmax output layer and its gradient.

Notebook 02 backpropagated a loss given as ∂L/∂h_t. Here the loss is the cross-entropy of the next
character, so the output layer and its gradient are added (time-major; V characters, H hidden units)::

    x_t     = onehot(c_t)                       (T, B, V)   the input character as a one-hot row
    h_t     = tanh(x_t W_xhᵀ + h_{t−1} W_hhᵀ + b)          lessons_lib.rnn.rnn_forward, (T, B, H)
    z_t     = h_t W_hyᵀ + b_y                  (T, B, V)   logits
    p_t     = softmax(z_t)                      (T, B, V)   p_t[w] = e^{z_t[w]} / Σ_v e^{z_t[v]}
    L       = −(1/TB) Σ_{t,b} ln p_t[y_t]                   mean cross-entropy, y_t = c_{t+1}

The gradient of L with respect to the logits is the one line to remember: for one (t, b),
∂(−ln p[y])/∂z[w] = p[w] − [w = y] (differentiate −z[y] + ln Σ_v e^{z[v]}), so::

    dz_t    = (p_t − onehot(y_t)) / (T·B)        "prediction minus truth"
    dW_hy   = Σ_t dz_tᵀ h_t,   db_y = Σ_{t,b} dz_t
    dh_t    = dz_t W_hy                          ∂L/∂h_t from the loss: exactly the dhs of rnn_backward
    (dW_xh, dW_hh, db), _, dh_0 = rnn_backward(dhs, cache)

Multiplying the one-hot x_t by W_xhᵀ picks a column of W_xh: that column *is* the character's
embedding, what ``nn.Embedding`` stores in the torch model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._validate import check_int
from ..rnn import RNNCache, RNNParams, rnn_backward, rnn_forward


@dataclass
class CharRNNParams:
    """``rnn`` (W_xh (H, V), W_hh (H, H), b (H,)) and the output layer W_hy (V, H), b_y (V,)."""

    rnn: RNNParams
    W_hy: np.ndarray
    b_y: np.ndarray

    @classmethod
    def init(cls, vocab_size: int, hidden_size: int, seed: int = 0) -> "CharRNNParams":
        """torch's default ranges: U(−1/√H, 1/√H) for the RNN and for the output layer."""
        rng = np.random.default_rng(seed + 1)
        bound = 1.0 / np.sqrt(hidden_size)
        return cls(RNNParams.init(vocab_size, hidden_size, seed=seed),
                   rng.uniform(-bound, bound, (vocab_size, hidden_size)), rng.uniform(-bound, bound, vocab_size))

    def arrays(self) -> dict[str, np.ndarray]:
        """Every parameter array by name (the same objects, so in-place updates change the model)."""
        return {"W_xh": self.rnn.W_xh, "W_hh": self.rnn.W_hh, "b": self.rnn.b, "W_hy": self.W_hy, "b_y": self.b_y}


class CharRNNCache(NamedTuple):
    rnn: RNNCache              # what rnn_backward needs (inputs, h0, hs, RNN weights)
    probabilities: np.ndarray  # p_t, (T, B, V)
    targets: np.ndarray        # y_t, (T, B) ids
    W_hy: np.ndarray           # (V, H), to send the gradient back into h_t


def one_hot(ids, vocab_size: int) -> np.ndarray:
    """``ids (...)`` -> ``(..., V)`` float64 rows with a single 1."""
    ids = np.asarray(ids)
    out = np.zeros(ids.shape + (vocab_size,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    """Over the last axis; the max is subtracted first so that e^z cannot overflow."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def char_rnn_forward(params: CharRNNParams, inputs, targets, h0) -> tuple[float, np.ndarray, CharRNNCache]:
    """``inputs, targets (T, B)`` ids, ``h0 (B, H)`` -> (mean cross-entropy L, last state h_T (B, H), cache)."""
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must be (T, B) id arrays of one shape; got {inputs.shape} and {targets.shape}")
    V = params.W_hy.shape[0]
    hs, rnn_cache = rnn_forward(one_hot(inputs, V), h0, params.rnn)             # (T, B, H)
    probabilities = softmax(hs @ params.W_hy.T + params.b_y)                    # (T, B, V)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)     # p_t[y_t], (T, B, 1)
    loss = float(-np.mean(np.log(picked)))
    return loss, hs[-1], CharRNNCache(rnn_cache, probabilities, targets, params.W_hy)


def char_rnn_backward(cache: CharRNNCache) -> tuple[CharRNNParams, np.ndarray]:
    """Gradients of the mean cross-entropy: ``(grads: CharRNNParams, dh0 (B, H))``."""
    rnn_cache, probabilities, targets, W_hy = cache
    T, B, V = probabilities.shape
    dz = (probabilities - one_hot(targets, V)) / (T * B)      # ∂L/∂z_t = (p_t − onehot(y_t)) / (T·B)
    hs = rnn_cache.hidden
    dW_hy = dz.reshape(-1, V).T @ hs.reshape(T * B, -1)        # Σ_t dz_tᵀ h_t, (V, H)
    db_y = dz.sum(axis=(0, 1))
    dhs = dz @ W_hy                                            # ∂L/∂h_t = dz_t W_hy, (T, B, H)
    rnn_grads, _, dh0 = rnn_backward(dhs, rnn_cache)
    return CharRNNParams(rnn_grads, dW_hy, db_y), dh0


class Adam:
    """Adam (Kingma & Ba 2015) for a dict of numpy arrays, updated in place::

        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   θ ← θ − lr · m̂ / (√v̂ + ε)   (m̂, v̂ bias-corrected)
    """

    def __init__(self, arrays: dict[str, np.ndarray], lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        self.arrays, self.lr, self.betas, self.eps, self.steps = arrays, lr, betas, eps, 0
        self.m = {k: np.zeros_like(a) for k, a in arrays.items()}
        self.v = {k: np.zeros_like(a) for k, a in arrays.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        self.steps += 1
        (beta1, beta2), t = self.betas, self.steps
        for name, theta in self.arrays.items():
            g = grads[name]
            self.m[name] = beta1 * self.m[name] + (1 - beta1) * g
            self.v[name] = beta2 * self.v[name] + (1 - beta2) * g ** 2
            m_hat, v_hat = self.m[name] / (1 - beta1 ** t), self.v[name] / (1 - beta2 ** t)
            theta -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def clip_by_global_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Scale every gradient by min(1, max_norm / N), N = sqrt(Σ ‖g‖²) (notebook 02), in place; return N."""
    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


def train_char_rnn(ids, vocab_size: int, hidden_size: int = 64, steps: int = 300, batch_size: int = 16,
                   window: int = 32, lr: float = 1e-2, clip: float = 1.0, seed: int = 0):
    """Stateful TBPTT with Adam: ``ids (N,)`` -> ``(params, losses (steps,))``, the training loss of each step.

    The text is cut into ``batch_size`` streams read ``window`` characters at a time; the last state
    of a window is the first of the next. In numpy nothing needs detaching: ``rnn_backward`` walks back
    through the cache of *this* window only, and the gradient ``dh0`` reaching its start is dropped.
    """
    ids = np.asarray(ids)
    steps, batch_size, window = (check_int("steps", steps), check_int("batch_size", batch_size),
                                 check_int("window", window))
    L = (len(ids) - 1) // batch_size
    if L < window:
        raise ValueError(f"a text of {len(ids)} characters is too short for {batch_size} streams of "
                         f"windows of {window}")
    inputs = ids[:L * batch_size].reshape(batch_size, L).T              # (L, B) streams
    targets = ids[1:L * batch_size + 1].reshape(batch_size, L).T
    params = CharRNNParams.init(vocab_size, hidden_size, seed)
    optimizer = Adam(params.arrays(), lr=lr)
    h = np.zeros((batch_size, hidden_size))
    losses = np.empty(steps)
    position = 0
    for step in range(steps):
        if position + window > L:                                        # back to the start of the streams
            position, h = 0, np.zeros_like(h)
        x, y = inputs[position:position + window], targets[position:position + window]
        loss, h, cache = char_rnn_forward(params, x, y, h)              # forward (h carries over)
        grads, _ = char_rnn_backward(cache)                              # backward, this window only
        grads = {name: getattr(grads.rnn, name) if name in ("W_xh", "W_hh", "b") else getattr(grads, name)
                 for name in params.arrays()}
        clip_by_global_norm(grads, clip)                                 # clip
        optimizer.step(grads)                                            # step
        losses[step], position = loss, position + window
    return params, losses


class NumpyCharRNN:
    """The numpy model behind the sampling interface of :mod:`lessons_lib.language.sampling`."""

    def __init__(self, params: CharRNNParams):
        self.params = params

    def _read(self, ids, h):
        V = self.params.W_hy.shape[0]
        hs, _ = rnn_forward(one_hot(ids, V), h, self.params.rnn)         # ids (T, B)
        return hs[-1], hs[-1] @ self.params.W_hy.T + self.params.b_y     # state: (h (B, H), logits (B, V))

    def start(self, prompt_ids):
        prompt = np.asarray(prompt_ids)
        return self._read(prompt.T, np.zeros((prompt.shape[0], self.params.rnn.hidden_size)))

    def next_logits(self, state) -> np.ndarray:
        return state[1]

    def advance(self, state, ids):
        return self._read(np.asarray(ids)[None], state[0])
