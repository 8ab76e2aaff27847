"""Exercise checks for notebook 03 (LSTM gates and the GRU).

Each ``check_<name>(answer)`` runs the learner's answer on fresh, seeded cases whose sizes are all
different (I ≠ H ≠ B), so that a transposed weight or a swapped axis cannot pass by accident, and
compares with the tested reference in ``lessons_lib``. Typical slips are recognised by computing
them too and saying which one matched. Wrong answers print feedback and return ``False``; only
misuse (e.g. passing a number where the function is expected) raises.
"""
from __future__ import annotations

import math

import numpy as np

from ..gru import GRUParams, gru_step
from ..activations import sigmoid
from ..lstm import GATE_ORDER, LSTMParams, lstm_step
from ._feedback import array_problem, call_safely, report

__all__ = ["check_lstm_step", "check_forget_gate_block", "check_set_forget_bias", "check_gru_step",
           "check_forget_bias_for_half_life"]

I, H, B = 3, 5, 2   # every size different: a transpose or a swapped axis shows up as a shape error


def _lstm_case(seed: int):
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(I, H, seed=seed)
    params.b[:] = rng.uniform(-1, 1, 4 * H)   # distinct biases per gate, so a swapped block is visible
    x, h, c = rng.standard_normal((B, I)), rng.standard_normal((B, H)) * 0.5, rng.standard_normal((B, H))
    return x, h, c, params


def _lstm_slips(x, h_prev, c_prev, params: LSTMParams) -> dict[str, tuple[tuple, str]]:
    """Wrong variants of the step: name -> ((h, c), hint)."""
    a = x @ params.W_ih.T + h_prev @ params.W_hh.T + params.b
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)

    def result(i=i, f=f, g=g, o=o, squash_h=True, input_gate=True):
        c = f * c_prev + (i * g if input_gate else g)
        return (o * np.tanh(c) if squash_h else o * c), c

    return {
        "sigmoid candidate": (result(g=sigmoid(a_g)),
                              "the candidate g (C̃) uses tanh, not σ: it proposes values in (−1, 1), "
                              "while the gates use σ to give fractions in (0, 1)."),
        "linear candidate": (result(g=a_g), "the candidate g = tanh(a_g): the tanh is missing."),
        "i and f swapped": (result(i=f, f=i), "torch's row blocks are input, forget, candidate, output "
                                              "(i, f, g, o): rows 0:H are i, rows H:2H are f."),
        "order i, f, o, g": (result(g=np.tanh(a_o), o=sigmoid(a_g)),
                             "the blocks are i, f, g, o: the candidate is the third block, the output gate the last."),
        "no tanh on the cell": (result(squash_h=False), "h_t = o_t ⊙ tanh(c_t): the tanh of the cell is missing."),
        "no input gate": (result(input_gate=False), "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: the input gate i must scale "
                                                    "the candidate."),
    }


def _as_pair(result, what: str):
    """Accept ``(h, c)`` or an object with ``.hidden`` and ``.cell``; return ``(h, c, problem)``."""
    if hasattr(result, "hidden") and hasattr(result, "cell"):
        return result.hidden, result.cell, None
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[0], result[1], None
    return None, None, (f"{what} should return the pair (h, c); got {type(result).__name__}"
                        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))


def check_lstm_step(function) -> bool:
    """Exercise: ``function(x (B, I), h_prev (B, H), c_prev (B, H), params: LSTMParams) -> (h, c)``."""
    name = "lstm_step"
    for seed in (0, 1):
        x, h_prev, c_prev, params = _lstm_case(seed)
        result, error = call_safely(function, x.copy(), h_prev.copy(), c_prev.copy(), params)
        if error:
            return report(name, error, "check the shapes: x (B, I) @ W_ih.T (I, 4H) gives (B, 4H); "
                                       "np.split(a, 4, axis=-1) gives the four gates.")
        h, c, problem = _as_pair(result, "your function")
        if problem:
            return report(name, problem, "end with `return h, c`.")
        expected = lstm_step(x, h_prev, c_prev, params)
        if array_problem(h, expected.cell, "h") is None and array_problem(c, expected.hidden, "c") is None:
            return report(name, "you returned (c, h): the order is (h, c), like torch's (h_n, c_n).")
        for slip, ((h_slip, c_slip), hint) in _lstm_slips(x, h_prev, c_prev, params).items():
            if array_problem(h, h_slip, "h") is None and array_problem(c, c_slip, "c") is None:
                return report(name, f"your step computes the variant '{slip}'.", hint)
        problem = (array_problem(c, expected.cell, "the cell c", f"(B={B}, H={H})")
                   or array_problem(h, expected.hidden, "the hidden state h", f"(B={B}, H={H})"))
        if problem:
            return report(name, problem, "write the six equations one line each: a = x W_ihᵀ + h W_hhᵀ + b; "
                                         "split into i, f, g, o; c = f⊙c_prev + i⊙g; h = o⊙tanh(c).")
    return report(name, None, success="It agrees with lessons_lib.lstm.lstm_step (and so with torch).")


def _random_torch_lstm(seed: int, input_size: int = I, hidden_size: int = H):
    import torch

    torch.manual_seed(seed)
    return torch.nn.LSTM(input_size, hidden_size)


def check_forget_gate_block(function) -> bool:
    """Exercise: ``function(state_dict) -> (W_if (H, I), W_hf (H, H), b_f (H,))`` of a one-layer ``nn.LSTM``.

    ``b_f`` is the forget gate's *effective* bias, ``bias_ih_l0`` + ``bias_hh_l0`` in the forget rows.
    """
    name = "forget_gate_block"
    state = {k: v.detach().clone() for k, v in _random_torch_lstm(3).state_dict().items()}
    result, error = call_safely(function, {k: v.clone() for k, v in state.items()})
    if error:
        return report(name, error, "state_dict keys are 'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'.")
    if not (isinstance(result, (tuple, list)) and len(result) == 3):
        return report(name, f"return the three arrays (W_if, W_hf, b_f); got {type(result).__name__}")
    W_ih, W_hh = state["weight_ih_l0"].numpy(), state["weight_hh_l0"].numpy()
    b_ih, b_hh = state["bias_ih_l0"].numpy(), state["bias_hh_l0"].numpy()
    rows = lambda gate: slice(GATE_ORDER.index(gate) * H, (GATE_ORDER.index(gate) + 1) * H)
    f = rows("forget")
    to_array = lambda a: a.detach().numpy() if hasattr(a, "detach") else a
    W_if, W_hf, b_f = (to_array(a) for a in result)
    for gate in ("input", "candidate", "output"):
        if array_problem(W_if, W_ih[rows(gate)], "W_if", rtol=1e-6) is None:
            return report(name, f"W_if holds the {gate} gate's rows.",
                          f"the row blocks of weight_ih_l0 are {GATE_ORDER}: the forget gate is rows H:2H.")
    b_expected = b_ih[f] + b_hh[f]
    if array_problem(b_f, b_ih[f], "b_f", rtol=1e-6) is None or array_problem(b_f, b_hh[f], "b_f", rtol=1e-6) is None:
        return report(name, "b_f is only one of torch's two bias vectors.",
                      "torch adds bias_ih_l0 and bias_hh_l0; the effective forget bias is the sum of their forget rows.")
    problem = (array_problem(W_if, W_ih[f], "W_if", f"(H={H}, I={I})", rtol=1e-6)
               or array_problem(W_hf, W_hh[f], "W_hf", f"(H={H}, H={H})", rtol=1e-6)
               or array_problem(b_f, b_expected, "b_f", f"(H={H},)", rtol=1e-6))
    if problem:
        return report(name, problem, "slice rows, not columns: state_dict['weight_ih_l0'][H:2*H] is (H, I).")
    return report(name, None, success="Rows H:2H of every tensor are the forget gate's.")


def check_set_forget_bias(function) -> bool:
    """Exercise: ``function(lstm: nn.LSTM, value)`` sets the *effective* forget bias to ``value``, in place.

    Effective means ``bias_ih_l0 + bias_hh_l0`` in the forget rows (torch adds the two); every other
    parameter must stay as it was, and the parameters must stay trainable ``nn.Parameter``s.
    """
    import torch

    name = "set_forget_bias"
    for seed, value in ((5, 1.0), (6, 2.5)):
        module = _random_torch_lstm(seed)
        before = {k: v.detach().clone() for k, v in module.named_parameters()}
        _, error = call_safely(function, module, value)
        if error:
            hint = ("change parameters inside `with torch.no_grad():`, e.g. lstm.bias_ih_l0[H:2*H].fill_(value)."
                    if "leaf Variable" in error or "requires grad" in error else None)
            return report(name, error, hint)
        if not all(isinstance(p, torch.nn.Parameter) and p.requires_grad for p in
                   (module.bias_ih_l0, module.bias_hh_l0, module.weight_ih_l0, module.weight_hh_l0)):
            return report(name, "a parameter was replaced by a plain tensor (or stopped requiring grad): the "
                                "optimiser would no longer train it.",
                          "modify the existing tensors in place under torch.no_grad(), e.g. with .fill_() or .copy_().")
        after = {k: v.detach() for k, v in module.named_parameters()}
        hf = slice(H, 2 * H)
        effective = (after["bias_ih_l0"][hf] + after["bias_hh_l0"][hf]).numpy()
        for weight in ("weight_ih_l0", "weight_hh_l0"):
            if not torch.equal(after[weight], before[weight]):
                return report(name, f"{weight} changed; only the forget rows of the biases should.")
        for bias in ("bias_ih_l0", "bias_hh_l0"):
            changed = (after[bias] != before[bias]).numpy()
            changed[hf] = False
            if changed.any():
                gates = sorted({GATE_ORDER[int(j) // H] for j in np.flatnonzero(changed)})
                return report(name, f"{bias} changed outside the forget rows (in the {', '.join(gates)} block).",
                              "the forget gate is rows H:2H; leave the other three blocks alone.")
        if np.allclose(effective, 2 * value, atol=1e-6):
            return report(name, f"the effective forget bias is {2 * value:g}, not {value:g}: you set both "
                                f"bias_ih_l0 and bias_hh_l0 to {value:g}, and torch adds them.",
                          f"set one forget block to {value:g} and the other to 0.")
        if np.allclose(after["bias_ih_l0"][hf].numpy(), value) or np.allclose(after["bias_hh_l0"][hf].numpy(), value):
            if not np.allclose(effective, value, atol=1e-6):
                return report(name, f"one forget block is {value:g} but the other still holds its random "
                                    f"initial values, so the effective bias is {value:g} + noise "
                                    f"(e.g. {effective[0]:.3f} in unit 1).",
                              "torch adds bias_ih_l0 and bias_hh_l0: zero the other forget block.")
        problem = array_problem(effective, np.full(H, value), "bias_ih_l0 + bias_hh_l0 in the forget rows",
                                f"(H={H},)", rtol=0, atol=1e-6)
        if problem:
            return report(name, problem, "the forget rows are H:2H of each bias vector; their sum is what counts.")
    return report(name, None, success="bias_ih + bias_hh is exactly the value in the forget rows, nothing else moved.")


def _gru_case(seed: int):
    rng = np.random.default_rng(seed)
    params = GRUParams.init(I, H, seed=seed)
    params.b[:] = rng.uniform(-1, 1, 3 * H)
    params.b_hn[:] = rng.uniform(-1, 1, H)
    return rng.standard_normal((B, I)), rng.standard_normal((B, H)) * 0.7, params


def _gru_slips(x, h_prev, params: GRUParams) -> dict[str, tuple[np.ndarray, str]]:
    W_ir, W_iz, W_in = np.split(params.W_ih, 3)
    W_hr, W_hz, W_hn = np.split(params.W_hh, 3)
    b_r, b_z, b_in = np.split(params.b, 3)
    r = sigmoid(x @ W_ir.T + h_prev @ W_hr.T + b_r)
    z = sigmoid(x @ W_iz.T + h_prev @ W_hz.T + b_z)
    n_torch = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T + params.b_hn))
    n_cho = np.tanh(x @ W_in.T + b_in + (r * h_prev) @ W_hn.T + params.b_hn)
    n_bias_outside = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T) + params.b_hn)
    n_no_reset = np.tanh(x @ W_in.T + b_in + h_prev @ W_hn.T + params.b_hn)
    return {
        "z convention swapped": (z * n_torch + (1 - z) * h_prev,
                                 "in torch's GRU (as in Cho et al. 2014), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}: z close to 1 "
                                 "*keeps* the old state. Chung et al. (2014) and Coursera write z ⊙ ñ + (1 − z) ⊙ h_{t−1}; "
                                 "both are GRUs, but only one matches torch's weights."),
        "reset before the matrix product": ((1 - z) * n_cho + z * h_prev,
                                            "that is the original GRU of Cho et al. (2014), W_hn (r ⊙ h_{t−1}). torch "
                                            "(and cuDNN) apply r after the product: r ⊙ (h_{t−1} W_hnᵀ + b_hn)."),
        "b_hn outside the reset gate": ((1 - z) * n_bias_outside + z * h_prev,
                                        "b_hn sits inside the bracket that r multiplies: r ⊙ (h W_hnᵀ + b_hn); that is "
                                        "why GRUParams keeps b_hn separate."),
        "no reset gate": ((1 - z) * n_no_reset + z * h_prev, "the candidate needs r ⊙ (h W_hnᵀ + b_hn)."),
    }


def check_gru_step(function) -> bool:
    """Exercise: ``function(x (B, I), h_prev (B, H), params: GRUParams) -> h (B, H)`` in torch's form."""
    name = "gru_step"
    for seed in (0, 1):
        x, h_prev, params = _gru_case(seed)
        h, error = call_safely(function, x.copy(), h_prev.copy(), params)
        if error:
            return report(name, error, "np.split(params.W_ih, 3) gives W_ir, W_iz, W_in, each (H, I).")
        if hasattr(h, "hidden"):
            h = h.hidden
        expected = gru_step(x, h_prev, params).hidden
        if array_problem(h, expected, "h") is None:
            continue
        for slip, (h_slip, hint) in _gru_slips(x, h_prev, params).items():
            if array_problem(h, h_slip, "h") is None:
                return report(name, f"your step computes the variant '{slip}'.", hint)
        return report(name, array_problem(h, expected, "h", f"(B={B}, H={H})"),
                      "r and z use the bias b[:H] and b[H:2H]; the candidate uses b[2H:] outside and b_hn inside r.")
    return report(name, None, success="It agrees with lessons_lib.gru.gru_step (and so with torch.nn.GRU).")


def check_forget_bias_for_half_life(function) -> bool:
    """Exercise: ``function(half_life) -> b_f`` such that f = σ(b_f) satisfies f^half_life = ½."""
    name = "forget_bias_for_half_life"
    for half_life in (20.0, 3.0, 100.0):
        answer, error = call_safely(function, half_life)
        if error:
            return report(name, error, "f = 0.5 ** (1 / n); then invert σ: b = log(f / (1 − f)).")
        try:
            answer = float(answer)
        except (TypeError, ValueError):
            return report(name, f"return one number (the bias); got {type(answer).__name__}")
        f = 0.5 ** (1.0 / half_life)
        expected = math.log(f / (1.0 - f))
        if math.isclose(answer, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(answer, f, rel_tol=1e-6):
            return report(name, f"for a half-life of {half_life:g} steps you returned {answer:.5f}, which is the "
                                f"forget gate f itself, not its bias.",
                          "the gate is f = σ(b); invert the sigmoid: b = log(f / (1 − f)).")
        f_e = math.exp(-1.0 / half_life)
        if math.isclose(answer, math.log(f_e / (1.0 - f_e)), rel_tol=1e-6):
            return report(name, "you used f^n = 1/e (a time constant), not f^n = ½ (a half-life).",
                          "solve f ** n == 0.5.")
        return report(name, f"for a half-life of {half_life:g} steps expected b ≈ {expected:.4f} "
                            f"(f = {f:.5f}); got {answer:.4f}.",
                      "after n steps with no input the cell is multiplied by f^n; set f^n = ½, then b = log(f / (1 − f)).")
    return report(name, None, success="For a half-life of 20 steps that is b ≈ 3.35. The b_f = 1 that Jozefowicz, "
                                      "Zaremba & Sutskever (2015) recommend gives ≈ 2.2 steps.")
