"""lessons_lib: the tested helper package of *RNN & LSTM, from equations to trained models*.

Time-major shapes everywhere: sequences ``(T, B, I)``, states ``(B, H)``; parameter layouts follow
torch, so weights copy both ways (``Params.from_torch(module)``, ``params.to_torch()``).

The cells, in numpy: one contract, ``*_forward(xs, h0[, c0], params) -> (hs, cache)`` and
``*_backward(dhs, cache[, dc_T]) -> (grads, dxs, dh0[, dc0])``; the cache is a NamedTuple of every per-step value
    rnn           tanh RNN                                    notebooks 01-02
    lstm          LSTM with its gate trace                    notebook 03
    gru           GRU in torch's form                         notebook 03
    activations   sigmoid; the explorer's tanh, linear, relu with their derivatives
    _params       what the three Params classes share: checked sizes, torch's initialisation, torch copying
    jacobians     ‖∂h_T/∂h_t‖ against lag for each cell, the LSTM's cell path gain   notebooks 02-03
    gradcheck     central differences, relative error         notebook 02, tests
    diagrams      the RNN, LSTM and GRU cells drawn, with their equations beside them   notebooks 01, 03

Gradient-flow experiments
    gradient_flow recurrent matrices of a given spectral radius, Jacobian products   notebook 02
    cliff         the one-unit RNN's loss cliff, gradient descent with clipping      notebook 02
    hand_wired    an LSTM wired by hand to write, keep and read a value               notebook 03

Training with torch
    data          real series (sunspots, CO2), windows, splits, scaling
    synthetic_tasks  the adding problem and the copy task                            notebook 05
    models        SequenceRegressor: an LSTM/GRU/RNN backbone with a linear read-out
    training/     helpers around a loop you can read: progress bar, live loss plot, early stopping,
                  divergence guard, eval mode, checkpoints, seeding; and fit for when the loop is not the lesson
    baselines     persistence, seasonal naive, linear AR by least squares, RMSE/MAE  notebook 04
    long_range    the long-lag tasks described once (Task) and their training recipe  notebook 05

The applications, one subpackage each (their __init__ lists their modules)
    language/     char language models: vocabulary, splits, truncated BPTT, n-gram, CharLM, sampling   notebook 06
    translation/  seq2seq with attention: batching, attention, decoding, dates, Tatoeba, retrieval, BLEU   notebook 07
    speech/       speech recognition: recordings, log-mel, CTC by hand, decoding, error rate, recognisers   notebook 08

Notebook support
    widgets       interactive explorers (gradient flow, LSTM gates, sampling, date translator, speech), testable headlessly
    exercises     check_<name>(answer) for every exercise: feedback, never an exception
    plotting      one figure style with a bundled CJK font; environment: versions, device and threads
"""
__version__ = "0.1.0"
