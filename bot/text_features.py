"""TF-IDF character and word n-grams with a fixed, fitted vocabulary: the exact words of a message.

The sentence encoder (bot.encoder) gives meaning; these give the words themselves ("tonight", "medicaid",
misspellings). The crisis classifier (bot.safety.semantic) and the FAQ topic classifier (bot.faq_topics)
put both side by side. scikit-learn (a Rasa dependency) fits the vectorizers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import numpy.typing as npt

WORD_PATTERN = r"(?u)\b\w[\w']*\b"
"""Words for the word n-grams: letters, digits and apostrophes ("don't", "od'd")."""


@dataclass(frozen=True)
class TextFeatures:
    """TF-IDF character (2-5, within words) and word (1-2) n-grams with a fixed, fitted vocabulary."""

    char_vocabulary: dict[str, int]
    char_idf: npt.NDArray[np.float64]
    word_vocabulary: dict[str, int]
    word_idf: npt.NDArray[np.float64]
    _fitted: tuple[Any, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Build the two fitted vectorizers once (building them per message cost 3 ms)."""
        char, word = _vectorizers(self.char_vocabulary, self.word_vocabulary)
        char.idf_ = self.char_idf
        word.idf_ = self.word_idf
        object.__setattr__(self, "_fitted", (char, word))

    @classmethod
    def fit(cls, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabularies and IDF weights from the training texts."""
        char, word = _vectorizers()
        char.fit(texts)
        word.fit(texts)
        return cls(
            {str(k): int(v) for k, v in char.vocabulary_.items()},
            np.asarray(char.idf_, dtype=np.float64),
            {str(k): int(v) for k, v in word.vocabulary_.items()},
            np.asarray(word.idf_, dtype=np.float64),
        )

    def transform(self, texts: Sequence[str]) -> Any:
        """A sparse matrix (n x features) for `texts`."""
        import scipy.sparse as sparse

        char, word = self._fitted
        return sparse.hstack([char.transform(texts), word.transform(texts)]).tocsr()

    def to_dict(self) -> dict[str, Any]:
        """The vocabularies and IDF weights as JSON-serialisable values."""
        return {
            "char_vocabulary": self.char_vocabulary,
            "char_idf": self.char_idf.round(6).tolist(),
            "word_vocabulary": self.word_vocabulary,
            "word_idf": self.word_idf.round(6).tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TextFeatures:
        """Rebuild from `to_dict`'s output (or a dict holding its four keys)."""
        return cls(
            {str(k): int(v) for k, v in data["char_vocabulary"].items()},
            np.asarray(data["char_idf"], dtype=np.float64),
            {str(k): int(v) for k, v in data["word_vocabulary"].items()},
            np.asarray(data["word_idf"], dtype=np.float64),
        )

    @property
    def size(self) -> int:
        """The number of n-gram features."""
        return len(self.char_vocabulary) + len(self.word_vocabulary)


def _vectorizers(
    char_vocabulary: Mapping[str, int] | None = None, word_vocabulary: Mapping[str, int] | None = None
) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, vocabulary=char_vocabulary
    )
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN,
        vocabulary=word_vocabulary,
    )
    return char, word
