"""The encoder–decoder (编码器–解码器), with or without attention.

Encoder: a bidirectional GRU (双向) reads the source; position j is described by both directions,
h_j = [→h_j ; ←h_j] (size 2H), and the summary of the whole sentence is [→h_S ; ←h_1], the state
each direction has after reading everything.

Decoder: a GRU cell that writes one target token per step. At step t (the notebook's notation)::

    c_t = attention(s_{t-1}, h_1..h_S)       with attention: a weighted average of the h_j
    c_t = [→h_S ; ←h_1]                      without: the same summary at every step (Cho et al. 2014)
    s_t = GRUCell([E y_{t-1} ; c_t], s_{t-1})             E: the target embedding, y_{t-1} the previous token
    o_t = tanh(W_c [s_t ; c_t ; E y_{t-1}])               (Luong et al. 2015's "attentional state")
    p(y_t | y_<t, x) = softmax(W_o o_t)

    s_0 = tanh(W_init [→h_S ; ←h_1])

Both models have the same encoder, the same decoder cell and read-out; only c_t differs. So
comparing them measures the **bottleneck** (瓶颈): without attention, everything the decoder knows
about the source has to pass through one vector of size 2H.

Shapes (time-major): source ``(S, B)`` ids, lengths ``(B,)``; encoder states ``(S, B, 2H)``; decoder
state ``(B, D)``; logits ``(T, B, V)``; attention weights ``(T, S, B)``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .._validate import check_int
from .attention import AdditiveAttention, DotProductAttention
from .batching import padding_mask
from .vocabulary import PAD_ID

ATTENTION_KINDS = ("additive", "dot", "none")


@dataclass(frozen=True)
class Seq2SeqConfig:
    """Sizes of a :class:`Seq2Seq`; plain values, so a checkpoint's metadata can rebuild the model.

    ``attention``: ``"additive"`` (Bahdanau), ``"dot"`` (Luong's general score) or ``"none"``.
    """

    source_vocab_size: int
    target_vocab_size: int
    embedding_size: int = 32
    encoder_size: int = 64          # H, per direction
    decoder_size: int = 128         # D
    attention: str = "additive"
    attention_size: int = 64        # A, additive attention only
    dropout: float = 0.0

    def __post_init__(self):
        for name in ("source_vocab_size", "target_vocab_size", "embedding_size", "encoder_size", "decoder_size",
                     "attention_size"):
            check_int(name, getattr(self, name))
        if self.attention not in ATTENTION_KINDS:
            raise ValueError(f"attention must be one of {ATTENTION_KINDS}; got {self.attention!r}")
        if not (isinstance(self.dropout, (int, float)) and 0 <= self.dropout < 1):
            raise ValueError(f"dropout must be a number in [0, 1); got {self.dropout!r}")

    def as_dict(self) -> dict:
        return asdict(self)


class Memory(NamedTuple):
    """What the decoder reads about the source: ``states (S, B, 2H)``, ``summary (B, 2H)``, ``mask (S, B)``,
    and the attention's ``projected_keys (S, B, ·)`` (None without attention)."""

    states: torch.Tensor
    summary: torch.Tensor
    mask: torch.Tensor
    projected_keys: torch.Tensor | None

    def select(self, index: torch.Tensor) -> "Memory":
        """The memory of the batch entries ``index`` (repeated entries allowed: beam search copies a sentence)."""
        return Memory(self.states[:, index], self.summary[index], self.mask[:, index],
                      None if self.projected_keys is None else self.projected_keys[:, index])


class DecoderStep(NamedTuple):
    """One decoder step: ``logits (B, V)``, the new ``state (B, D)``, attention ``weights (S, B)`` or None."""

    logits: torch.Tensor
    state: torch.Tensor
    weights: torch.Tensor | None


class Seq2SeqOutput(NamedTuple):
    """Teacher-forced run: ``logits (T, B, V)`` and ``weights (T, S, B)`` (None without attention)."""

    logits: torch.Tensor
    weights: torch.Tensor | None


class Encoder(nn.Module):
    """Embedding + bidirectional GRU over packed sequences: ``(S, B)`` ids → states ``(S, B, 2H)``, summary ``(B, 2H)``."""

    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int, dropout: float = 0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size, padding_idx=PAD_ID)
        self.rnn = nn.GRU(embedding_size, hidden_size, bidirectional=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, source: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        S = source.shape[0]
        embedded = self.dropout(self.embedding(source))                           # (S, B, E)
        # Packing: the GRU runs each sentence over its own length only, so the backward direction
        # starts at the last *real* token and h_n holds each sentence's state after its last real
        # token. (torch wants the lengths on the CPU here; the data stay where they are.)
        packed = pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False)
        packed_states, h_n = self.rnn(packed)                                     # h_n (2, B, H)
        states, _ = pad_packed_sequence(packed_states, total_length=S)            # (S, B, 2H), 0 at padding
        summary = torch.cat([h_n[0], h_n[1]], dim=-1)                              # [→h_S ; ←h_1] (B, 2H)
        return states, summary


class Decoder(nn.Module):
    """A GRU cell writing one token per step, reading a context vector c_t (attention or the summary)."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        E, C, D = config.embedding_size, 2 * config.encoder_size, config.decoder_size
        self.embedding = nn.Embedding(config.target_vocab_size, E, padding_idx=PAD_ID)
        if config.attention == "additive":
            self.attention = AdditiveAttention(D, C, config.attention_size)
        elif config.attention == "dot":
            self.attention = DotProductAttention(D, C)
        else:
            self.attention = None
        self.initial = nn.Linear(C, D)                    # W_init
        self.rnn = nn.GRUCell(E + C, D)
        self.combine = nn.Linear(D + C + E, D)            # W_c
        self.output = nn.Linear(D, config.target_vocab_size)   # W_o
        self.dropout = nn.Dropout(config.dropout)

    def initial_state(self, memory: Memory) -> torch.Tensor:
        """s_0 = tanh(W_init [→h_S ; ←h_1]), ``(B, D)``."""
        return torch.tanh(self.initial(memory.summary))

    def step(self, previous: torch.Tensor, state: torch.Tensor, memory: Memory) -> DecoderStep:
        """One step: previous token ids ``(B,)``, state s_{t-1} ``(B, D)`` → logits, s_t, α."""
        embedded = self.dropout(self.embedding(previous))                                      # E y_{t-1} (B, E)
        if self.attention is not None:
            context, weights = self.attention(state, memory.states, memory.mask, memory.projected_keys)
        else:
            context, weights = memory.summary, None                                            # c_t (B, 2H)
        state = self.rnn(torch.cat([embedded, context], dim=-1), state)                        # s_t
        combined = torch.tanh(self.combine(torch.cat([state, context, embedded], dim=-1)))     # o_t
        return DecoderStep(self.output(self.dropout(combined)), state, weights)


class Seq2Seq(nn.Module):
    """Encoder + decoder. ``forward`` runs the decoder with teacher forcing; :mod:`.decoding` generates."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.source_vocab_size, config.embedding_size, config.encoder_size, config.dropout)
        self.decoder = Decoder(config)

    def encode(self, source: torch.Tensor, lengths: torch.Tensor) -> Memory:
        """Source ids ``(S, B)`` and lengths ``(B,)`` → the decoder's :class:`Memory`."""
        if source.dim() != 2 or lengths.shape != (source.shape[1],):
            raise ValueError(f"source must be (S, B) and lengths (B,); got {tuple(source.shape)} and "
                             f"{tuple(lengths.shape)}")
        states, summary = self.encoder(source, lengths)
        mask = padding_mask(lengths.to(source.device), source.shape[0])
        attention = self.decoder.attention
        projected = attention.project_keys(states) if attention is not None else None
        return Memory(states, summary, mask, projected)

    def forward(self, source: torch.Tensor, lengths: torch.Tensor, decoder_input: torch.Tensor) -> Seq2SeqOutput:
        """Teacher forcing: ``decoder_input (T, B)`` = <bos> + target → logits ``(T, B, V)``, weights ``(T, S, B)``."""
        memory = self.encode(source, lengths)
        state = self.decoder.initial_state(memory)
        logits, weights = [], []
        for t in range(decoder_input.shape[0]):
            step = self.decoder.step(decoder_input[t], state, memory)
            state = step.state
            logits.append(step.logits)
            weights.append(step.weights)
        stacked = torch.stack(weights) if self.decoder.attention is not None else None
        return Seq2SeqOutput(torch.stack(logits), stacked)


def count_parameters(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
