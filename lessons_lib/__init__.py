"""lessons_lib: the tested helper package of *RNN & LSTM, from equations to trained models*.

Modules (one idea each):

- ``rnn``       the tanh RNN cell: forward and backpropagation through time (numpy)
- ``lstm``      the LSTM cell with its gate trace: forward and BPTT (numpy)
- ``gru``       the GRU cell in torch's form: forward and BPTT (numpy)
- ``gradcheck`` central-difference gradients and the relative error

Time-major shapes everywhere: sequences ``(T, B, I)``, states ``(B, H)``.
"""
__version__ = "0.1.0"
