"""Inception-v3 (FID variant) parity fixtures: pytorch-fid 0.3.0's own InceptionV3 on random weights.

Writes Tests/Fixtures/inception/:
  images/a/*, images/b/*          small PNG/JPEG inputs: odd sizes, grayscale, RGBA, palette, a JPEG, 299x299, larger
  tiny/inception_tiny.pth         a reduced-width network (every width / 16) built from pytorch-fid's and torchvision's
                                  block classes (stem, FIDInceptionA, InceptionB, FIDInceptionC, InceptionD,
                                  FIDInceptionE_1, FIDInceptionE_2), random weights, BatchNorm statistics calibrated on
                                  images; official key layout, legacy torch.save (as pytorch-fid's published file)
  tiny/inception_tiny_zip.pth     the same weights in the zip layout, with num_batches_tracked (what newer torch writes)
  tiny/expected.npz               per-image features of every block (pytorch-fid and clean preprocessing), and
                                  pytorch-fid's mu / sigma / FID of folders a and b at the pool3 block
  full/expected.npz, full/summary.json
                                  the same for the full-size network whose weights are NOT committed: they go to
                                  $JANUS_INCEPTION_RANDOM (default /work/ckpt/inception/pt_inception-random.pth)

Run with the reference venv (pytorch-fid 0.3.0, torch, Pillow): python tools/reference/make_inception_fixtures.py
The pytorch-fid download is bypassed by handing its `load_state_dict_from_url` our random state dict; everything
else (fid_inception_v3, InceptionV3, get_activations, calculate_activation_statistics, calculate_frechet_distance,
calculate_fid_given_paths) runs unchanged.
"""
import collections
import json
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401  (before anything imports torchvision)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision.models.inception as tvi  # noqa: E402
from PIL import Image  # noqa: E402

import pytorch_fid.inception as pfi  # noqa: E402
import pytorch_fid.fid_score as pfs  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "inception"
FULL_WEIGHTS = pathlib.Path(os.environ.get("JANUS_INCEPTION_RANDOM", "/work/ckpt/inception/pt_inception-random.pth"))
torch.set_num_threads(2)


# ---------------------------------------------------------------- images
def draw(seed, w, h, kind):
    """A smooth procedural picture (gradients, discs, stripes, a little noise): compresses well, varies a lot."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    for c in range(3):
        a, b, p = rng.uniform(-1, 1, 3)
        img[..., c] = 127 + 100 * np.sin(a * x / max(w, 1) * 6 + b * y / max(h, 1) * 6 + p * 3)
    for _ in range(rng.randint(1, 5)):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.5) * min(w, h)
        colour = rng.uniform(0, 255, 3)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        img[mask] = colour
    if rng.rand() < 0.5:
        period = rng.randint(3, 12)
        img[(x.astype(int) // period) % 2 == 0] *= rng.uniform(0.5, 1)
    img += rng.normal(0, 4, img.shape)
    rgb = np.clip(np.round(img), 0, 255).astype(np.uint8)
    if kind == "rgb":
        return Image.fromarray(rgb, "RGB")
    if kind == "gray":
        return Image.fromarray(rgb, "RGB").convert("L")
    if kind == "rgba":
        alpha = np.clip(255 * (x / max(w - 1, 1)), 0, 255).astype(np.uint8)
        return Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
    if kind == "palette":
        return Image.fromarray(rgb, "RGB").convert("P", palette=Image.ADAPTIVE, colors=32)
    raise ValueError(kind)


IMAGES = {
    "a": [("a01_rgb_64x64.png", 64, 64, "rgb"), ("a02_rgb_37x53.png", 37, 53, "rgb"),
          ("a03_gray_50x41.png", 50, 41, "gray"), ("a04_rgba_45x60.png", 45, 60, "rgba"),
          ("a05_rgb_299x299.png", 299, 299, "rgb"), ("a06_palette_33x33.png", 33, 33, "palette"),
          ("a07_rgb_320x240.png", 320, 240, "rgb"), ("a08_rgb_61x47.jpg", 61, 47, "rgb")],
    "b": [("b01_rgb_80x80.png", 80, 80, "rgb"), ("b02_gray_29x71.png", 29, 71, "gray"),
          ("b03_rgba_64x48.png", 64, 48, "rgba"), ("b04_rgb_113x97.png", 113, 97, "rgb"),
          ("b05_rgb_23x19.png", 23, 19, "rgb"), ("b06_rgb_150x100.jpg", 150, 100, "rgb"),
          ("b07_rgb_77x77.png", 77, 77, "rgb"), ("b08_rgba_31x35.png", 31, 35, "rgba")],
}


def write_images():
    for folder, entries in IMAGES.items():
        d = OUT / "images" / folder
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for i, (name, w, h, kind) in enumerate(entries):
            img = draw(1000 * (folder == "b") + i, w, h, kind)
            if name.endswith(".jpg"):
                img.save(d / name, quality=90)
            else:
                img.save(d / name, optimize=True)


def files_of(folder):
    """pytorch-fid's own file list."""
    path = pathlib.Path(folder)
    return sorted([f for ext in pfs.IMAGE_EXTENSIONS for f in path.glob("*.{}".format(ext))])


# ---------------------------------------------------------------- networks
BASIC_CONV2D = tvi.BasicConv2d


def scaled_conv_block(k):
    """BasicConv2d with every width divided by k (3 input channels stay 3)."""
    def make(cin, cout, **kwargs):
        return BASIC_CONV2D(cin if cin == 3 else cin // k, cout // k, **kwargs)
    return make


def build_inception(k, fc_out, fc_in):
    """fid_inception_v3()'s construction (torchvision Inception3 without aux logits, its Mixed blocks replaced by
    pytorch-fid's FID blocks), with widths / k (k = 1: the real network). No state dict is loaded here."""
    saved = tvi.BasicConv2d
    if k != 1:
        tvi.BasicConv2d = scaled_conv_block(k)   # the blocks look the class up at construction
    try:
        net = tvi.Inception3(num_classes=fc_out, aux_logits=False, init_weights=False)
        net.Mixed_5b = pfi.FIDInceptionA(192, pool_features=32)
        net.Mixed_5c = pfi.FIDInceptionA(256, pool_features=64)
        net.Mixed_5d = pfi.FIDInceptionA(288, pool_features=64)
        net.Mixed_6b = pfi.FIDInceptionC(768, channels_7x7=128)
        net.Mixed_6c = pfi.FIDInceptionC(768, channels_7x7=160)
        net.Mixed_6d = pfi.FIDInceptionC(768, channels_7x7=160)
        net.Mixed_6e = pfi.FIDInceptionC(768, channels_7x7=192)
        net.Mixed_7b = pfi.FIDInceptionE_1(1280)
        net.Mixed_7c = pfi.FIDInceptionE_2(2048)
        if k != 1:
            net.fc = nn.Linear(fc_in, fc_out)
    finally:
        tvi.BasicConv2d = saved
    return net


def wrapped(inception):
    """pytorch-fid's InceptionV3 (all four blocks) around a given Inception3 (its fid_inception_v3 bypassed)."""
    original = pfi.fid_inception_v3
    pfi.fid_inception_v3 = lambda: inception
    try:
        return pfi.InceptionV3(output_blocks=[0, 1, 2, 3]).eval()
    finally:
        pfi.fid_inception_v3 = original


def calibration_batch(seed, count=16):
    imgs = [np.asarray(draw(seed + i, 299, 299, "rgb"), dtype=np.float32) / 255 for i in range(count)]
    return torch.tensor(np.stack(imgs)).permute(0, 3, 1, 2).contiguous()


def randomise_and_calibrate(model, seed):
    """Random conv weights (torch's default init), random BatchNorm affine parameters, then BatchNorm running
    statistics set from real activations: one pass in train mode with a cumulative average (momentum None) over
    a batch of drawn 299x299 images, through pytorch-fid's own forward (resize + [-1, 1])."""
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.reset_parameters()
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
            with torch.no_grad():
                m.weight.uniform_(0.6, 1.4)
                m.bias.uniform_(-0.2, 0.3)
        if isinstance(m, nn.Linear):
            m.reset_parameters()
    model.train()
    with torch.no_grad():
        model(calibration_batch(seed * 7 + 100))
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1


def official_state_dict(inception, keep_batches_tracked):
    sd = collections.OrderedDict()
    for key, value in inception.state_dict().items():
        if key.endswith("num_batches_tracked") and not keep_batches_tracked:
            continue
        sd[key] = value.detach().clone().contiguous()
    return sd


# ---------------------------------------------------------------- references
def load_rgb01(path):
    """pytorch-fid's ImagePathDataset + ToTensor: [3, H, W] in [0, 1]."""
    img = Image.open(path).convert("RGB")
    return torch.tensor(np.asarray(img), dtype=torch.float32).permute(2, 0, 1) / 255


def clean_input(path):
    """clean-fid @ e88c4d6 'clean' mode (cleanfid/resize.py make_resizer('PIL', False, 'bicubic', (299, 299)) and
    ResizeDataset): RGB uint8 -> per channel float32 'F' image resized with Pillow bicubic -> clip [0, 255], then
    the network's normalisation (x - 128) / 128 (cleanfid/inception_torchscript.py, resize_inside=False)."""
    x = np.array(Image.open(path).convert("RGB"))
    chans = []
    for i in range(3):
        img = Image.fromarray(x[:, :, i].astype(np.float32), mode="F").resize((299, 299), resample=Image.BICUBIC)
        chans.append(np.asarray(img).clip(0, 255).reshape(299, 299, 1))
    x = np.concatenate(chans, axis=2).astype(np.float32)
    t = torch.tensor(x.transpose(2, 0, 1))[None]
    return (t - 128) / 128


def per_image_features(model, paths):
    """Every block's global-average-pooled features per image, pytorch-fid preprocessing (batch of one)."""
    out = {b: [] for b in range(4)}
    with torch.no_grad():
        for p in paths:
            for b, y in enumerate(model(load_rgb01(p)[None])):
                out[b].append(torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten().numpy())
    return {b: np.stack(v).astype(np.float32) for b, v in out.items()}


def clean_features(model, paths):
    model.resize_input, model.normalize_input = False, False
    try:
        with torch.no_grad():
            return np.stack([model(clean_input(p))[3].flatten().numpy() for p in paths]).astype(np.float32)
    finally:
        model.resize_input, model.normalize_input = True, True


def spread(features):
    """How different the images' features are: mean over dimensions of the std across images, relative to the mean
    absolute feature, and the smallest pairwise distance relative to the mean feature norm."""
    std = features.std(axis=0).mean()
    mean_abs = np.abs(features).mean()
    norms = np.linalg.norm(features, axis=1).mean()
    d = [np.linalg.norm(features[i] - features[j]) for i in range(len(features)) for j in range(i + 1, len(features))]
    return {"std_over_mean_abs": float(std / mean_abs), "min_pair_distance_over_norm": float(min(d) / norms),
            "mean_pair_distance_over_norm": float(np.mean(d) / norms)}


def folder_stats(model, folder, dims):
    """pytorch-fid's calculate_activation_statistics, unchanged (batch 1: the images differ in size)."""
    with torch.no_grad():
        return pfs.calculate_activation_statistics(files_of(folder), model, batch_size=1, dims=dims, device="cpu",
                                                   num_workers=0)


def save_npz(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def tiny():
    inception = build_inception(16, fc_out=8, fc_in=128)
    model = wrapped(inception)
    randomise_and_calibrate(model, seed=13)
    d = OUT / "tiny"
    d.mkdir(parents=True, exist_ok=True)
    torch.save(official_state_dict(inception, False), d / "inception_tiny.pth", _use_new_zipfile_serialization=False)
    torch.save(official_state_dict(inception, True), d / "inception_tiny_zip.pth")
    arrays, summary = {}, {"widths": [64 // 16, 192 // 16, 768 // 16, 2048 // 16]}
    for folder in ("a", "b"):
        paths = files_of(OUT / "images" / folder)
        feats = per_image_features(model, paths)
        for b in range(4):
            arrays[f"{folder}_block{b}"] = feats[b]
        arrays[f"{folder}_clean_block3"] = clean_features(model, paths)
        # pytorch-fid's statistics of the pool3 block (its BLOCK_INDEX_BY_DIM only knows the real widths, so the
        # tiny model is asked for block 3 directly).
        model.output_blocks = [3]
        mu, sigma = folder_stats(model, OUT / "images" / folder, 128)
        model.output_blocks = [0, 1, 2, 3]
        arrays[f"{folder}_mu"], arrays[f"{folder}_sigma"] = mu, sigma
        summary[f"{folder}_files"] = [p.name for p in paths]
        summary[f"{folder}_spread_block3"] = spread(feats[3])
    fid = pfs.calculate_frechet_distance(arrays["a_mu"], arrays["a_sigma"], arrays["b_mu"], arrays["b_sigma"])
    arrays["fid_a_b"] = np.array(fid, dtype=np.float64)
    summary["fid_a_b"] = float(fid)
    save_npz(d / "expected.npz", arrays)
    (d / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print("tiny:", json.dumps(summary, indent=1))


def full():
    inception = build_inception(1, fc_out=1008, fc_in=2048)
    model = wrapped(inception)
    randomise_and_calibrate(model, seed=7)
    FULL_WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    state = official_state_dict(inception, False)
    torch.save(state, FULL_WEIGHTS, _use_new_zipfile_serialization=False)
    # torch-fidelity reads the same key layout: its extractor loads this file strictly.
    try:
        from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3
        FeatureExtractorInceptionV3("inception-v3-compat", ["2048"], feature_extractor_weights_path=str(FULL_WEIGHTS))
        fidelity = "torch-fidelity FeatureExtractorInceptionV3 loads the file strictly"
    except Exception as e:  # noqa: BLE001
        fidelity = f"torch-fidelity could not load it: {e}"
    print(fidelity)

    # pytorch-fid's own entry point, with its download replaced by our state dict.
    pfi.load_state_dict_from_url = lambda *a, **k: torch.load(FULL_WEIGHTS)
    arrays, summary = {}, {"weights_file": str(FULL_WEIGHTS), "torch_fidelity": fidelity,
                           "keys": len(state), "parameters": int(sum(v.numel() for v in state.values()))}
    for folder in ("a", "b"):
        paths = files_of(OUT / "images" / folder)
        feats = per_image_features(model, paths)
        for b in range(4):
            arrays[f"{folder}_block{b}"] = feats[b]
        arrays[f"{folder}_clean_block3"] = clean_features(model, paths)
        summary[f"{folder}_spread_block3"] = spread(feats[3])
        summary[f"{folder}_spread_block0"] = spread(feats[0])
    for dims in (2048, 768, 192, 64):
        ref = pfi.InceptionV3([pfi.InceptionV3.BLOCK_INDEX_BY_DIM[dims]]).eval()
        for folder in ("a", "b"):
            mu, sigma = folder_stats(ref, OUT / "images" / folder, dims)
            arrays[f"{folder}_mu_{dims}"] = mu
            arrays[f"{folder}_sigma_diag_{dims}"] = np.diagonal(sigma).copy()
            arrays[f"{folder}_sigma_row0_{dims}"] = sigma[0].copy()
            arrays[f"{folder}_sigma_block_{dims}"] = sigma[:32, :32].copy()
            summary[f"{folder}_sigma_sum_{dims}"] = float(sigma.sum())
            summary[f"{folder}_sigma_frobenius_{dims}"] = float(np.linalg.norm(sigma))
        fid = pfs.calculate_fid_given_paths([str(OUT / "images" / "a"), str(OUT / "images" / "b")], batch_size=1,
                                            device="cpu", dims=dims, num_workers=0)
        arrays[f"fid_a_b_{dims}"] = np.array(fid, dtype=np.float64)
        summary[f"fid_a_b_{dims}"] = float(fid)
    save_npz(OUT / "full" / "expected.npz", arrays)
    (OUT / "full" / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print("full:", json.dumps(summary, indent=1))


if __name__ == "__main__":
    write_images()
    tiny()
    if "--tiny-only" not in sys.argv:
        full()
