"""Faces, opt-in (issue 16 §2): find the faces in a photo, embed each one as 128 numbers with
dlib's ResNet model and compare them with the query person's embeddings.

Privacy by construction: the only embeddings that leave this module are the query's
(`FaceModel.query_embeddings`, held by the caller in memory). `FaceModel.matches` compares a
dataset image's faces inside itself and returns boxes and distances only; nothing here writes a
face to disk. `faces_in` returns embeddings for tests and benchmarks; a scan should not keep them.

The model ships inside installed packages, nothing is downloaded: dlib (`dlib-bin` wheels) has
the HOG detector built in, `face-recognition-models` holds the CNN detector, the 5-point
landmark model and the ResNet model. Its 68-point landmark model is not used: its training
data's licence excludes commercial use, and the 5-point one is what dlib aligns faces with for
this ResNet model.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

from expunge.errors import ExpungeError

Detector = Literal["hog", "cnn"]
DETECTORS: tuple[Detector, ...] = ("hog", "cnn")
Box = tuple[int, int, int, int]
"""left, top, right, bottom in pixels of the image given (right/bottom exclusive)."""
Embedding = npt.NDArray[np.float32]

# dlib's ResNet was trained to put one person's faces within 0.6 of each other (Euclidean).
TOLERANCE = 0.6
EMBEDDING_DIM = 128
# Detection runs on a copy at most this many pixels on its longer side (HOG's cost grows with
# pixels, x4 per upsampling); landmarks and embeddings use the full image.
DETECT_SIDE = 1024
MAX_FACES = 20
# No detector finds a face in a side this short (HOG's window is 80 px, the CNN's about 40),
# and the CNN raises on images under about 10 px and corrupts its memory doing so.
MIN_DETECT_SIDE = 40
# A second detection this sure makes a query photo ambiguous. Measured with HOG on the test
# photos: real faces, rotated or halved included, score 0.37 to 1.67; the spurious detections
# beside them (clothing) 0.01 to 0.14 at the query's first, full-size pass.
QUERY_OTHER_FACE = 0.3

_MODEL_PACKAGE = "face_recognition_models"
_INSTALL_FIX = "install them with: pip install 'expunge[images]'"


@dataclass(frozen=True, slots=True)
class Face:
    """One face found in an image. `score` is the detector's confidence: the HOG detector's
    SVM margin or the CNN detector's MMOD score (their scales differ)."""

    box: Box
    score: float
    embedding: Embedding = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FaceMatch:
    """A face in a dataset image within the tolerance of a query embedding: where it is, how
    near, and which query photo (index) was nearest. It carries no embedding."""

    box: Box
    distance: float
    query: int


def distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Euclidean distance between two embeddings (the metric dlib's model is trained for)."""
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def nearest(query: npt.ArrayLike, embedding: npt.ArrayLike) -> tuple[int, float]:
    """The query embedding nearest to `embedding` (row index of `query`) and its distance."""
    rows = np.atleast_2d(np.asarray(query, np.float32))
    if rows.shape[0] == 0 or rows.shape[1] != EMBEDDING_DIM:
        raise ValueError(f"query embeddings must have shape (n >= 1, {EMBEDDING_DIM})")
    dists = np.linalg.norm(rows - np.asarray(embedding, np.float32), axis=1)
    best = int(np.argmin(dists))
    return best, float(dists[best])


def match(
    query: npt.ArrayLike, face: Face | npt.ArrayLike, tolerance: float = TOLERANCE
) -> float | None:
    """The distance from `face` to the nearest query embedding if it is within `tolerance`,
    else None."""
    _check_tolerance(tolerance)
    embedding = face.embedding if isinstance(face, Face) else face
    _, dist = nearest(query, embedding)
    return dist if dist <= tolerance else None


class FaceModel:
    """dlib's face detector, 5-point landmark model and ResNet embedding model, loaded once per
    process (and per detector) and shared by every FaceModel there, one call at a time. dlib-bin
    is built without BLAS and runs single-threaded, so there are no threads to pin: use one
    process per core. Pickles as its settings, so a pool or Ray worker loads the model files
    itself."""

    def __init__(
        self, detector: Detector = "hog", *, jitter: int = 0, detect_side: int = DETECT_SIDE
    ) -> None:
        if detector not in DETECTORS:
            raise ExpungeError(f"unknown face detector {detector!r}", "use 'hog' or 'cnn'")
        if jitter < 0 or detect_side < 64:
            raise ValueError("jitter must be >= 0 and detect_side >= 64")
        self.detector: Detector = detector
        # dlib's num_jitters: embed this many re-sampled copies and average (slower, steadier).
        self.jitter = jitter
        self.detect_side = detect_side
        self._dlib = _load(detector)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.detector, self.jitter, self.detect_side))

    def faces_in(
        self,
        img: Image.Image,
        *,
        upsample: int = 1,
        max_faces: int = MAX_FACES,
        min_score: float = 0.0,
    ) -> list[Face]:
        """The faces in `img` with a detector score >= `min_score`, surest first, at most
        `max_faces` (a crowd photo costs one embedding per face). `upsample` doubles the image
        that many times before detecting: 0 finds faces from about 80 pixels, 1 from about 40."""
        if upsample < 0 or max_faces < 1:
            raise ValueError("upsample must be >= 0 and max_faces >= 1")
        scale = max(img.size) / self.detect_side
        small = img
        if scale > 1:
            size = (max(1, round(img.width / scale)), max(1, round(img.height / scale)))
            small = img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        if min(small.size) << upsample < MIN_DETECT_SIDE:
            return []
        pixels = _rgb_pixels(small)
        with self._dlib.lock:
            found = self._detect(pixels, max(scale, 1.0), img.size, upsample, min_score)
            if not found:
                return []
            found = found[:max_faces]
            if small is not img:
                pixels = _rgb_pixels(img)
            embeddings = self._embed(pixels, [rect for rect, _ in found])
        return [
            Face(_clipped(rect, img.size), score, embedding)
            for (rect, score), embedding in zip(found, embeddings, strict=True)
        ]

    def matches(
        self,
        img: Image.Image,
        query: npt.ArrayLike,
        *,
        tolerance: float = TOLERANCE,
        upsample: int = 1,
        max_faces: int = MAX_FACES,
        min_score: float = 0.0,
    ) -> list[FaceMatch]:
        """The faces in `img` within `tolerance` of a query embedding, nearest first. The
        image's faces are compared here and dropped: only boxes and distances are returned."""
        _check_tolerance(tolerance)
        hits = []
        found = self.faces_in(img, upsample=upsample, max_faces=max_faces, min_score=min_score)
        for face in found:
            best, dist = nearest(query, face.embedding)
            if dist <= tolerance:
                hits.append(FaceMatch(face.box, dist, best))
        return sorted(hits, key=lambda hit: hit.distance)

    def query_embeddings(self, photos: Iterable[tuple[str, Image.Image]]) -> Embedding:
        """One embedding per query photo, shape (n, 128), from (name, image) pairs; the name is
        only used in errors. A photo with no face, or with several, is refused: the query must
        be the person's own face and nobody else's; a weak second detection (under
        QUERY_OTHER_FACE) is not counted, as those were patterns on clothing."""
        rows = []
        for name, img in photos:
            # A query is a close-up: detect at full size first; upsampling finds more "faces"
            # in clothing (measured on the astronaut's suit, up to 0.62 when rotated).
            faces = self.faces_in(img, upsample=0) or self.faces_in(img, upsample=1)
            if not faces:
                raise ExpungeError(
                    f"no face found in {name}",
                    "use a clear, front-facing photo of your face",
                )
            others = [face for face in faces[1:] if face.score >= QUERY_OTHER_FACE]
            if others:
                raise ExpungeError(f"{1 + len(others)} faces in {name}", "crop it to your own face")
            rows.append(faces[0].embedding)
        if not rows:
            raise ExpungeError("no query photo given", "pass at least one photo of your face")
        return np.stack(rows)

    def _detect(
        self,
        pixels: npt.NDArray[np.uint8],
        scale: float,
        size: tuple[int, int],
        upsample: int,
        min_score: float,
    ) -> list[tuple[Box, float]]:
        """Detector boxes scaled to the full image (`size`), as found: they may reach outside
        it, since the landmark model expects the detector's own box. Surest first."""
        if self.detector == "hog":
            rects, scores, _ = self._dlib.detector.run(pixels, upsample, min_score)
            found = [(rect, float(score)) for rect, score in zip(rects, scores, strict=True)]
        else:
            found = [
                (hit.rect, float(hit.confidence))
                for hit in self._dlib.detector(pixels, upsample)
                if hit.confidence >= min_score
            ]
        boxes = [(_scaled(rect, scale), score) for rect, score in found]
        inside = [(box, score) for box, score in boxes if _area(_clipped(box, size)) > 0]
        return sorted(inside, key=lambda item: -item[1])

    def _embed(self, pixels: npt.NDArray[np.uint8], rects: Sequence[Box]) -> list[Embedding]:
        dlib = self._dlib.module
        shapes = dlib.full_object_detections()
        for left, top, right, bottom in rects:
            rect = dlib.rectangle(left, top, right - 1, bottom - 1)
            shapes.append(self._dlib.landmarks(pixels, rect))
        vectors = self._dlib.embedder.compute_face_descriptor(pixels, shapes, self.jitter)
        return [np.asarray(vector, np.float32).reshape(EMBEDDING_DIM) for vector in vectors]


@dataclass(frozen=True)
class _Dlib:
    module: Any
    detector: Any
    landmarks: Any
    embedder: Any
    # dlib's network keeps its working memory in the model object: one caller at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)


def _rebuild(detector: Detector, jitter: int, detect_side: int) -> FaceModel:
    return FaceModel(detector, jitter=jitter, detect_side=detect_side)


@lru_cache(maxsize=len(DETECTORS))
def _load(detector: Detector) -> _Dlib:
    try:
        import dlib
    except ImportError as exc:
        raise ExpungeError(
            "face matching needs dlib, which is not installed", _INSTALL_FIX
        ) from exc
    found = (
        dlib.get_frontal_face_detector()
        if detector == "hog"
        else dlib.cnn_face_detection_model_v1(_model_file("mmod_human_face_detector.dat"))
    )
    return _Dlib(
        module=dlib,
        detector=found,
        landmarks=dlib.shape_predictor(_model_file("shape_predictor_5_face_landmarks.dat")),
        embedder=dlib.face_recognition_model_v1(
            _model_file("dlib_face_recognition_resnet_model_v1.dat")
        ),
    )


def _model_file(name: str) -> str:
    # Located without importing the package: its __init__ imports pkg_resources, which
    # setuptools no longer ships (removed in setuptools 81).
    spec = importlib.util.find_spec(_MODEL_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0], "models", name) if folders else None
    if path is None or not path.is_file():
        raise ExpungeError(
            f"face model file {name} not found (face-recognition-models)", _INSTALL_FIX
        )
    return str(path)


def _rgb_pixels(img: Image.Image) -> npt.NDArray[np.uint8]:
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def _scaled(rect: Any, scale: float) -> Box:
    """dlib's rectangle (inclusive corners) as a Box in the full image's pixels."""
    return (
        round(rect.left() * scale),
        round(rect.top() * scale),
        round((rect.right() + 1) * scale),
        round((rect.bottom() + 1) * scale),
    )


def _clipped(box: Box, size: tuple[int, int]) -> Box:
    left, top, right, bottom = box
    width, height = size
    return (
        min(max(left, 0), width),
        min(max(top, 0), height),
        min(max(right, 0), width),
        min(max(bottom, 0), height),
    )


def _area(box: Box) -> int:
    return max(box[2] - box[0], 0) * max(box[3] - box[1], 0)


def _check_tolerance(tolerance: float) -> None:
    if not tolerance > 0:
        raise ExpungeError(f"face tolerance {tolerance} must be above 0", "the default is 0.6")
