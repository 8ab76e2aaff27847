"""Bad input raises ValueError naming the expected and the given shapes (never a numpy broadcast error)."""
import numpy as np
import pytest
import torch

from lessons_lib import gru, lstm, rnn
from lessons_lib.gru import GRUParams
from lessons_lib.lstm import LSTMParams
from lessons_lib.rnn import RNNParams

I, H, B, T = 3, 4, 2, 5


def run_rnn(xs, h0, params=None):
    return rnn.rnn_forward(xs, h0, params or RNNParams.init(I, H))


def run_lstm(xs, h0, params=None):
    return lstm.lstm_forward(xs, h0, np.zeros_like(h0) if isinstance(h0, np.ndarray) and h0.ndim == 2 else h0,
                             params or LSTMParams.init(I, H))


def run_gru(xs, h0, params=None):
    return gru.gru_forward(xs, h0, params or GRUParams.init(I, H))


RUNNERS = {"rnn": run_rnn, "lstm": run_lstm, "gru": run_gru}
good_xs, good_h0 = np.zeros((T, B, I)), np.zeros((B, H))

BAD_FORWARD_CASES = [
    # (description, xs, h0, regex the message must match: expected and given)
    ("wrong I", np.zeros((T, B, I + 1)), good_h0, r"I=3.*\(5, 2, 4\)"),
    ("2-D xs", np.zeros((T, I)), good_h0, r"3-D.*\(T, B, I=3\).*2-D shape \(5, 3\)"),
    ("4-D xs", np.zeros((T, B, I, 1)), good_h0, r"3-D.*4-D shape \(5, 2, 3, 1\)"),
    ("wrong H in h0", good_xs, np.zeros((B, H + 1)), r"h0.*\(B=2, H=4\).*\(2, 5\)"),
    ("batch mismatch", good_xs, np.zeros((B + 1, H)), r"h0.*\(B=2, H=4\).*\(3, 4\)"),
    ("1-D h0", good_xs, np.zeros(H), r"h0.*2-D.*\(4,\)"),
    ("3-D h0 (torch layout)", good_xs, np.zeros((1, B, H)), r"h0.*2-D.*\(1, 2, 4\)"),
    ("integer xs", np.zeros((T, B, I), dtype=int), good_h0, r"floating dtype.*int64"),
    ("boolean h0", good_xs, np.zeros((B, H), dtype=bool), r"h0.*floating dtype.*bool"),
    ("float32 xs with float64 params", np.zeros((T, B, I), np.float32), good_h0, r"xs has dtype float32.*float64"),
    ("empty sequence", np.zeros((0, B, I)), good_h0, r"at least one time step.*\(0, 2, 3\)"),
    ("torch tensor", torch.zeros(T, B, I, dtype=torch.float64), good_h0, r"numpy array.*torch tensor"),
]


@pytest.mark.parametrize("kind", RUNNERS)
@pytest.mark.parametrize("case", BAD_FORWARD_CASES, ids=[c[0] for c in BAD_FORWARD_CASES])
def test_forward_rejects_bad_input(kind, case):
    _, xs, h0, pattern = case
    with pytest.raises(ValueError, match=pattern):
        RUNNERS[kind](xs, h0)


def test_lstm_rejects_bad_cell_state():
    with pytest.raises(ValueError, match=r"c0.*\(B=2, H=4\).*\(2, 3\)"):
        lstm.lstm_forward(good_xs, good_h0, np.zeros((B, 3)), LSTMParams.init(I, H))


@pytest.mark.parametrize("step,args", [
    ("rnn", lambda x, h: rnn.rnn_step(x, h, RNNParams.init(I, H))),
    ("lstm", lambda x, h: lstm.lstm_step(x, h, np.zeros((B, H)), LSTMParams.init(I, H))),
    ("gru", lambda x, h: gru.gru_step(x, h, GRUParams.init(I, H))),
])
def test_step_rejects_bad_shapes(step, args):
    with pytest.raises(ValueError, match=r"x must have shape \(B, I=3\); got \(2, 5\)"):
        args(np.zeros((B, 5)), good_h0)
    with pytest.raises(ValueError, match=r"x must have shape \(B, I=3\); got \(3,\)"):
        args(np.zeros(3), good_h0)
    with pytest.raises(ValueError, match=r"h_prev.*\(B=2, H=4\).*\(3, 4\)"):
        args(np.zeros((B, I)), np.zeros((3, H)))


INCONSISTENT_PARAMS = [
    (RNNParams, dict(W_xh=np.zeros((H, I)), W_hh=np.zeros((H, H + 1)), b=np.zeros(H)), r"W_hh has shape \(4, 5\).*expected \(4, 4\)"),
    (RNNParams, dict(W_xh=np.zeros((H, I)), W_hh=np.zeros((H, H)), b=np.zeros(H + 2)), r"b has shape \(6,\).*expected \(4,\)"),
    (RNNParams, dict(W_xh=np.zeros(H), W_hh=np.zeros((H, H)), b=np.zeros(H)), r"W_xh must be 2-D.*\(4,\)"),
    (RNNParams, dict(W_xh=np.zeros((H, I)), W_hh=np.zeros((H, H), np.float32), b=np.zeros(H)), r"share one dtype.*W_hh: float32"),
    (RNNParams, dict(W_xh=np.zeros((H, I), dtype=int), W_hh=np.zeros((H, H)), b=np.zeros(H)), r"W_xh must have a floating dtype.*int64"),
    (LSTMParams, dict(W_ih=np.zeros((4 * H, I)), W_hh=np.zeros((H, H)), b=np.zeros(4 * H)), r"W_hh has shape \(4, 4\).*expected \(16, 4\)"),
    (LSTMParams, dict(W_ih=np.zeros((4 * H + 1, I)), W_hh=np.zeros((4 * H, H)), b=np.zeros(4 * H)), r"\(4H, I\).*\(17, 3\)"),
    (LSTMParams, dict(W_ih=np.zeros((4 * H, I)), W_hh=np.zeros((4 * H, H)), b=np.zeros(H)), r"b has shape \(4,\).*expected \(16,\)"),
    (GRUParams, dict(W_ih=np.zeros((3 * H, I)), W_hh=np.zeros((3 * H, H)), b=np.zeros(3 * H), b_hn=np.zeros(3 * H)), r"b_hn has shape \(12,\).*expected \(4,\)"),
    (GRUParams, dict(W_ih=np.zeros((3 * H, I)), W_hh=np.zeros((3 * H, H + 1)), b=np.zeros(3 * H), b_hn=np.zeros(H)), r"W_hh has shape \(12, 5\).*expected \(12, 4\)"),
    (GRUParams, dict(W_ih=np.zeros((3 * H + 1, I)), W_hh=np.zeros((3 * H, H)), b=np.zeros(3 * H), b_hn=np.zeros(H)), r"\(3H, I\); got \(13, 3\)"),
]


@pytest.mark.parametrize("cls,fields,pattern", INCONSISTENT_PARAMS)
def test_params_of_inconsistent_sizes_are_refused(cls, fields, pattern):
    with pytest.raises(ValueError, match=pattern):
        cls(**fields)


def test_params_against_input_of_other_sizes():
    """Params for I=3 given a sequence with I=2 name both sizes."""
    with pytest.raises(ValueError, match=r"I=3.*\(5, 2, 2\)"):
        rnn.rnn_forward(np.zeros((T, B, 2)), good_h0, RNNParams.init(3, H))


def test_backward_rejects_wrong_dhs_and_dc_T():
    """Backward checks only what it is given besides the cache: dhs (and the LSTM's dc_T)."""
    params = RNNParams.init(I, H)
    hs, cache = rnn.rnn_forward(good_xs, good_h0, params)
    with pytest.raises(ValueError, match=r"dhs.*\(T=5, B=2, H=4\).*\(5, 2, 3\)"):
        rnn.rnn_backward(np.zeros((T, B, 3)), cache)
    _, lstm_cache = lstm.lstm_forward(good_xs, good_h0, good_h0, LSTMParams.init(I, H))
    with pytest.raises(ValueError, match=r"dhs.*\(T=5, B=2, H=4\).*\(4, 2, 4\)"):
        lstm.lstm_backward(np.zeros((T - 1, B, H)), lstm_cache)
    with pytest.raises(ValueError, match=r"dc_T.*\(B=2, H=4\).*\(2, 3\)"):
        lstm.lstm_backward(np.zeros((T, B, H)), lstm_cache, dc_T=np.zeros((B, 3)))
    with pytest.raises(ValueError, match=r"dhs has dtype float32 but the parameters are float64"):
        lstm.lstm_backward(np.zeros((T, B, H), np.float32), lstm_cache)
    _, gru_cache = gru.gru_forward(good_xs, good_h0, GRUParams.init(I, H))
    with pytest.raises(ValueError, match=r"dhs.*\(T=5, B=2, H=4\)"):
        gru.gru_backward(np.zeros((T, B, H + 1)), gru_cache)


@pytest.mark.parametrize("cls", [RNNParams, LSTMParams, GRUParams])
@pytest.mark.parametrize("sizes,pattern", [
    ((0, 4), r"^input_size must be a positive integer; got 0$"),
    ((3, -3), r"^hidden_size must be a positive integer; got -3$"),
    ((3, 0), r"^hidden_size must be a positive integer; got 0$"),
    ((3.0, 4), r"^input_size must be a positive integer; got 3\.0 \(float\)$"),
    ((3, True), r"^hidden_size must be a positive integer; got True \(bool\)$"),
])
def test_init_rejects_sizes_that_are_not_positive_integers(cls, sizes, pattern):
    with pytest.raises(ValueError, match=pattern):
        cls.init(*sizes)


def test_init_rejects_a_negative_seed_and_an_integer_dtype():
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0; got -1$"):
        RNNParams.init(3, 4, seed=-1)
    with pytest.raises(ValueError, match=r"RNNParams.W_xh must have a floating dtype.*int64"):
        RNNParams.init(3, 4, dtype=np.int64)


def test_from_torch_refuses_what_it_cannot_represent():
    with pytest.raises(ValueError, match=r"num_layers=1 \(got 2\)"):
        RNNParams.from_torch(torch.nn.RNN(3, 4, num_layers=2))
    with pytest.raises(ValueError, match=r"bidirectional=False"):
        LSTMParams.from_torch(torch.nn.LSTM(3, 4, bidirectional=True))
    with pytest.raises(ValueError, match=r"bias=True"):
        GRUParams.from_torch(torch.nn.GRU(3, 4, bias=False))
    with pytest.raises(ValueError, match=r"proj_size=0 \(got 2\)"):
        LSTMParams.from_torch(torch.nn.LSTM(3, 4, proj_size=2))
    with pytest.raises(ValueError, match=r"nonlinearity='tanh'; got 'relu'"):
        RNNParams.from_torch(torch.nn.RNN(3, 4, nonlinearity="relu"))
    with pytest.raises(ValueError, match=r"expected a torch.nn.LSTM or torch.nn.LSTMCell; got GRU"):
        LSTMParams.from_torch(torch.nn.GRU(3, 4))


def test_gate_lookup_by_name():
    params = LSTMParams.init(I, H, forget_bias=1.0)
    np.testing.assert_array_equal(params.gate("forget").b, np.ones(H))
    np.testing.assert_array_equal(params.b[H:2 * H], np.ones(H))
    assert params.gate("candidate").W_ih.shape == (H, I) and params.gate("output").W_hh.shape == (H, H)
    with pytest.raises(ValueError, match=r"one of \('input', 'forget', 'candidate', 'output'\); got 'cell'"):
        params.gate("cell")


def test_check_int_names_the_argument_the_bound_and_the_value():
    from lessons_lib._validate import check_int

    assert check_int("n", np.int64(3)) == 3 and isinstance(check_int("n", np.int64(3)), int)
    with pytest.raises(ValueError, match=r"^n must be a positive integer; got 0$"):
        check_int("n", 0)
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0; got 2\.0 \(float\)$"):
        check_int("seed", 2.0, minimum=0)
    with pytest.raises(ValueError, match=r"got True \(bool\)"):
        check_int("n", True)
