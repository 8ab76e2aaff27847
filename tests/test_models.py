"""SequenceRegressor: shapes, layouts, equality with the numpy cells, forget-bias initialisation, bad input."""
import numpy as np
import pytest
import torch

from cells import CELLS
from lessons_lib.models import SequenceRegressor, forget_bias_of, set_forget_bias


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_output_shapes(cell, per_step, batch_first):
    T, B, I, H, O = 7, 3, 2, 5, 4
    model = SequenceRegressor(I, H, O, cell=cell, per_step=per_step, batch_first=batch_first)
    x = torch.randn(B, T, I) if batch_first else torch.randn(T, B, I)
    out = model(x)
    if not per_step:
        assert out.shape == (B, O)
    else:
        assert out.shape == ((B, T, O) if batch_first else (T, B, O))
    assert model.hidden_size == H and model.input_size == I and model.output_size == O


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_batch_first_changes_only_the_layout(cell):
    torch.manual_seed(0)
    time_major = SequenceRegressor(3, 4, 2, cell=cell, per_step=True)
    batch_first = SequenceRegressor(3, 4, 2, cell=cell, per_step=True, batch_first=True)
    batch_first.load_state_dict(time_major.state_dict())
    x = torch.randn(6, 5, 3)
    torch.testing.assert_close(batch_first(x.transpose(0, 1)), time_major(x).transpose(0, 1))
    last_tm = SequenceRegressor(3, 4, 2, cell=cell)
    last_bf = SequenceRegressor(3, 4, 2, cell=cell, batch_first=True)
    last_bf.load_state_dict(last_tm.state_dict())
    torch.testing.assert_close(last_bf(x.transpose(0, 1)), last_tm(x))
    # h_0 is (num_layers, B, H) in both layouts
    state = last_bf.initial_state(x.transpose(0, 1))
    h0 = state[0] if cell == "lstm" else state
    assert h0.shape == (1, 5, 4)


@pytest.mark.parametrize("spec", CELLS, ids=[c.name for c in CELLS])
def test_forward_equals_the_numpy_cell_and_a_linear_head(spec):
    """ŷ = h_T W_outᵀ + b_out, with h_T from the collection's numpy cell (independent implementation)."""
    torch.manual_seed(1)
    T, B, I, H, O = 5, 3, 2, 4, 3
    model = SequenceRegressor(I, H, O, cell=spec.name, per_step=True).double()
    with torch.no_grad():  # distinct random values in both bias vectors, not just torch's init
        for p in model.parameters():
            p.uniform_(-0.7, 0.7)
    xs = np.random.default_rng(0).standard_normal((T, B, I))
    params = spec.params_cls.from_torch(model.recurrent)
    zeros = [np.zeros((B, H)) for _ in range(2 if spec.has_cell_state else 1)]
    hs, _ = spec.forward(xs, zeros, params)
    W, b = model.head.weight.detach().numpy(), model.head.bias.detach().numpy()
    np.testing.assert_allclose(model(torch.tensor(xs)).detach().numpy(), hs @ W.T + b, rtol=1e-10, atol=1e-12)
    model.per_step = False
    np.testing.assert_allclose(model(torch.tensor(xs)).detach().numpy(), hs[-1] @ W.T + b, rtol=1e-10, atol=1e-12)


def test_state_follows_the_input_dtype_and_the_module_size():
    model = SequenceRegressor(2, 6).double()
    x = torch.randn(4, 3, 2, dtype=torch.float64)
    h0, c0 = model.initial_state(x)
    assert h0.dtype == torch.float64 and h0.shape == (1, 3, 6) and c0.shape == (1, 3, 6)
    assert model(x).dtype == torch.float64


def test_num_layers_reads_the_top_layer():
    model = SequenceRegressor(2, 3, 1, num_layers=2)
    x = torch.randn(5, 4, 2)
    hs, (h_n, _) = model.recurrent(x)
    torch.testing.assert_close(model(x), model.head(h_n[-1]))
    torch.testing.assert_close(model(x), model.head(hs[-1]))


@pytest.mark.parametrize("value", [0.0, 1.0, 2.5, -1.0])
def test_forget_bias_sets_the_effective_bias_of_both_vectors(value):
    torch.manual_seed(3)
    default = SequenceRegressor(2, 5)
    torch.manual_seed(3)
    model = SequenceRegressor(2, 5, forget_bias=value)
    H = 5
    np.testing.assert_allclose(forget_bias_of(model), np.full(H, value))
    lstm, ref = model.recurrent, default.recurrent
    assert torch.all(lstm.bias_hh_l0[H:2 * H] == 0)
    assert torch.all(lstm.bias_ih_l0[H:2 * H] == value)
    # the other gates' biases and all weights keep torch's default initialisation
    for name in ("bias_ih_l0", "bias_hh_l0"):
        for block in (slice(0, H), slice(2 * H, 4 * H)):
            torch.testing.assert_close(getattr(lstm, name)[block], getattr(ref, name)[block])
    torch.testing.assert_close(lstm.weight_ih_l0, ref.weight_ih_l0)


def test_forget_bias_reaches_the_forget_gate():
    """With zero weights the forget gate is σ(b_f) exactly: check it through the numpy LSTM trace."""
    from lessons_lib import lstm as np_lstm
    model = SequenceRegressor(1, 3, forget_bias=1.0).double()
    with torch.no_grad():
        model.recurrent.weight_ih_l0.zero_()
        model.recurrent.weight_hh_l0.zero_()
    params = np_lstm.LSTMParams.from_torch(model.recurrent)
    _, trace = np_lstm.lstm_forward(np.ones((2, 1, 1)), np.zeros((1, 3)), np.zeros((1, 3)), params)
    np.testing.assert_allclose(trace.forget_gate, 1 / (1 + np.exp(-1.0)))


def test_default_forget_bias_is_torch_default_and_sums_both_vectors():
    torch.manual_seed(4)
    model = SequenceRegressor(2, 4)
    lstm = model.recurrent
    expected = (lstm.bias_ih_l0 + lstm.bias_hh_l0)[4:8].detach().numpy()
    np.testing.assert_allclose(forget_bias_of(model), expected)
    assert forget_bias_of(lstm).shape == (4,)


def test_set_forget_bias_every_layer():
    model = SequenceRegressor(2, 3, num_layers=2, forget_bias=1.0)
    np.testing.assert_allclose(forget_bias_of(model, layer=1), np.ones(3))
    set_forget_bias(model, 0.0)
    np.testing.assert_allclose(forget_bias_of(model, layer=0), np.zeros(3))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r"cell must be one of \['gru', 'lstm', 'rnn'\]; got 'transformer'"):
        SequenceRegressor(1, 4, cell="transformer")
    with pytest.raises(ValueError, match="forget_bias applies to cell='lstm' only"):
        SequenceRegressor(1, 4, cell="gru", forget_bias=1.0)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer; got 0"):
        SequenceRegressor(1, 0)
    with pytest.raises(ValueError, match="input_size must be a positive integer; got 2.5"):
        SequenceRegressor(2.5, 4)
    with pytest.raises(ValueError, match="expected an nn.LSTM"):
        forget_bias_of(SequenceRegressor(1, 4, cell="rnn"))
    model = SequenceRegressor(3, 4)
    with pytest.raises(ValueError, match=r"\(T, B, I\) and I=3; got shape \(5, 2\)"):
        model(torch.randn(5, 2))
    with pytest.raises(ValueError, match=r"I=3; got shape \(5, 2, 1\)"):
        model(torch.randn(5, 2, 1))
