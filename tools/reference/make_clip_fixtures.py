"""CLIP fixtures: tokenizer ids, tower embeddings and GenEval's colour classifier, from the Python references.

References (run with /work/venv: torch 2.13 cpu, transformers 4.57.6, open_clip_torch 3.3.0, ftfy 6.3.1, pillow 12.3):
- networks: transformers' CLIPModel (`get_image_features`, `get_text_features`) on random weights;
- tokenizer: open_clip's SimpleTokenizer (what GenEval uses) and transformers' CLIPTokenizer, both with ftfy and with
  transformers' ftfy-less fallback, on the same vocabulary;
- preprocessing: open_clip's `image_transform(224, is_train=False)` (Resize(224, bicubic) on the PIL image,
  CenterCrop(224), ToTensor, Normalize with the OpenAI mean/std), as open_clip 2.20 builds it for ViT-L-14 "openai";
- colour classifier: GenEval's evaluate_images.py re-implemented on those parts (composite onto #999 with the mask,
  crop to the box, transform; clip_benchmark's zero_shot_classifier: normalise, mean over the 3 templates,
  renormalise; logits = 100 * normalised image features @ classifier; argmax over the 10 colours), in float32
  (GenEval runs it under CUDA fp16 autocast; there is none on a CPU).

Writes (committed, small) Tests/Fixtures/clip/:
  tiny/config.json, tiny/model.safetensors      a tiny CLIPModel (random, seeded) in the Hugging Face layout
  tiny/vocab.json, tiny/merges.txt              a tiny BPE (trained here, CLIP's byte/`</w>` conventions, 400 merges)
  images/*.png, images/*_mask*.png              procedurally drawn images and instance masks
  preprocessed/*.png                            open_clip's Resize(224, bicubic) + CenterCrop(224) of each image, and
                                                of each colour crop (*.crop.png: GenEval's composite on #999 + crop)
  tiny/expected.json, tiny/expected.safetensors preprocessing, embeddings, colour classifier scores
  tokenizer_tiny.json, tokenizer_real.json      ids for the test strings (tiny vocab; the real 49,408-token vocab)

With --vitl DIR (not committed; about 1.7 GB): a ViT-L/14-shaped CLIPModel with random weights in the
openai/clip-vit-large-patch14 layout (config.json as the Hub's, pytorch_model.bin incl. the position_ids buffers the
Hub's file carries, vocab.json + merges.txt rebuilt from open_clip's bundled bpe_simple_vocab_16e6.txt.gz, the same
vocabulary the Hub's files hold), and DIR/expected.json + expected.safetensors.
"""
import argparse
import sys
import pathlib as _pathlib

sys.path.insert(0, str(_pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401  (before anything imports torchvision: open_clip's transforms)
import collections
import gzip
import html
import json
import pathlib
import random

import numpy as np
import torch
import torchvision
from PIL import Image, ImageDraw
from safetensors.torch import save_file
from transformers import CLIPConfig, CLIPModel, CLIPTokenizer
from transformers.models.clip.tokenization_clip import BasicTokenizer

import open_clip
from open_clip.tokenizer import SimpleTokenizer, bytes_to_unicode

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "clip"
COLORS = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]
TEMPLATES = ["a photo of a {c} {cls}", "a photo of a {c}-colored {cls}", "a photo of a {c} object"]
PATTERN = open_clip.tokenizer.re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                                         open_clip.tokenizer.re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------- tokenizer

def geneval_prompts():
    path = ROOT / "suites" / "geneval" / "evaluation_metadata.jsonl"
    return [json.loads(line)["prompt"] for line in path.read_text().splitlines() if line.strip()]


def test_strings():
    """>= 500 strings: GenEval's 553 prompts, colour templates, and strings that reach every tokenizer rule."""
    rng = random.Random(13)
    base = [
        "", " ", "   ", "\n", "\t\t", "a", "A", "Hello, World!", "hello   world", "  leading and trailing  ",
        "I'm here", "don't stop", "it's", "they're", "we've", "you'll", "she'd", "I'M LOUD", "DON'T", "'s alone",
        "rock'n'roll", "o'clock", "1", "12", "2024", "3.14159", "1,000,000", "v1.2.3", "0x1F600", "42nd street",
        "The quick brown fox jumps over the lazy dog.", "THE QUICK BROWN FOX", "MiXeD CaSe", "camelCaseWord",
        "snake_case_word", "kebab-case-word", "a photo of a red car.", "A Photo Of A Red Car", "photo!!!", "?!?!",
        "...", "--", "(parenthesis)", "[brackets]", "{braces}", "<angle>", "quote \"inside\"", "back\\slash",
        "path/to/file.png", "user@example.com", "https://example.com/a?b=c&d=e", "#hashtag @mention", "$100 & 50%",
        "a+b=c", "x^2 * y", "~tilde~", "`code`", "pipe|pipe", "naïve café", "résumé", "Ünïcödé", "Straße", "ÆØÅ æøå",
        "Œuvre", "Ελληνικά", "Привет мир", "你好世界", "こんにちは", "안녕하세요", "مرحبا", "שלום", "नमस्ते",
        "ไทย", "😀 smile", "👍🏽", "🇯🇵 flag", "♥ ☃ ★", "∑ ∫ √ ∞", "€ £ ¥", "½ ¾ ²", "١٢٣", "Ⅻ",
        "tab\tseparated", "new\nline", "carriage\r\nreturn", "non\u00a0breaking", "em\u2003space", "ideographic\u3000space",
        "e\u0301 combining acute", "cafe\u0301", "A\u030a", "zero\u200bwidth", "soft\u00adhyphen",
        "fish &amp; chips", "&lt;tag&gt;", "&quot;quoted&quot;", "&#39;single&#39;", "&#x41;&#66;C", "&amp;amp;",
        "&nbsp;space", "&apos;", "a&b", "& alone", "&#0;", "&#128;", "&#x110000;",
        "a" * 300, "word " * 100, "red " * 80, " ".join(["a photo of a red car"] * 10),
        "supercalifragilisticexpialidocious", "antidisestablishmentarianism", "pneumonoultramicroscopic",
        "a photo of a potted plant and a hair drier", "a photo of a tv remote right of a computer keyboard",
        "<|startoftext|>", "<|endoftext|>", "hello<|endoftext|>",
        "ΟΔΟΣ ΚΑΛΟΣ", "ΣΑΣ.", "Σ", "İstanbul", "it'ſ long s", "DŽ Lj ǅ", "ﬁne ligature", "ＦＵＬＬＷＩＤＴＨ", "“curly” ‘quotes’",
        "&copy 2024", "&ampersand", "&notit;", "&hellip;", "&unknownentity;", "&#x1F600;", "&#99999999999;",
    ]
    prompts = geneval_prompts()
    templates = []
    classes = ["car", "potted plant", "hair drier", "tv", "computer mouse", "teddy bear", "wine glass", "fire hydrant"]
    for cls in classes:
        for c in COLORS:
            templates.extend(t.format(c=c, cls=cls) for t in TEMPLATES)
    pools = ["abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "   ", ".,;:!?'\"()-_/",
             "äöüßéèàçñøå", "你好世界", "абвгд", "😀👍"]
    randoms = []
    for _ in range(120):
        n = rng.randint(1, 40)
        randoms.append("".join(rng.choice(rng.choice(pools)) for _ in range(n)))
    strings = base + prompts + templates + randoms
    seen, out = set(), []
    for s in strings:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def train_tiny_bpe(corpus, merges_count):
    """A deterministic BPE in CLIP's conventions: byte-level symbols, `</w>` on each word's last symbol; the most
    frequent pair wins, ties broken by the pair's text."""
    b2u = bytes_to_unicode()
    words = collections.Counter()
    for text in corpus:
        text = " ".join(text.split()).strip().lower()
        for token in PATTERN.findall(text):
            symbols = [b2u[b] for b in token.encode("utf-8")]
            symbols[-1] += "</w>"
            words[tuple(symbols)] += 1
    merges = []
    words = dict(words)
    for _ in range(merges_count):
        pairs = collections.Counter()
        for word, count in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += count
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        merged = {}
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    return merges


def write_vocab(folder, merges):
    """vocab.json + merges.txt in the Hugging Face CLIP layout (and the same merges as an open_clip .txt.gz)."""
    folder.mkdir(parents=True, exist_ok=True)
    b2u = bytes_to_unicode()
    vocab = list(b2u.values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    return len(vocab)


def open_clip_gz(merges, path):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges))   # no final newline: open_clip keeps an empty last line


def tokenizer_cases(vocab_dir, bpe_gz, strings):
    ours = SimpleTokenizer(bpe_path=str(bpe_gz))
    hf = CLIPTokenizer(str(vocab_dir / "vocab.json"), str(vocab_dir / "merges.txt"))
    hf_plain = CLIPTokenizer(str(vocab_dir / "vocab.json"), str(vocab_dir / "merges.txt"))
    hf_plain.fix_text = None
    hf_plain.nlp = BasicTokenizer(strip_accents=False, do_split_on_punc=False)
    cases = []
    for s in strings:
        oc = ours(s)[0].tolist()
        end = oc.index(ours.eot_token_id) + 1
        oc = oc[:end]
        h = hf(s, truncation=True, max_length=77)["input_ids"]
        hp = hf_plain(s, truncation=True, max_length=77)["input_ids"]
        ftfy_changes = open_clip.tokenizer.ftfy.fix_text(s) != s
        cases.append({"text": s, "open_clip": oc, "hf_ftfy": h if h != oc else None, "hf_plain": hp if hp != oc else None,
                      "ftfy_changes": ftfy_changes,
                      "html_changes": html.unescape(html.unescape(s)) != s})
    return cases


# ---------------------------------------------------------------------------------------------------- images

def draw_images(folder):
    """Procedural RGB images with instance masks: (name, PIL image, [(box, mask name or None)])."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    rs = np.random.RandomState(7)

    def background(w, h, seed):
        y, x = np.mgrid[0:h, 0:w]
        r = (x * 255 // max(w - 1, 1)).astype(np.uint8)
        g = (y * 255 // max(h - 1, 1)).astype(np.uint8)
        b = np.full((h, w), 40 + 30 * seed, np.uint8)
        return np.stack([r, g, b], -1)

    specs = [("scene_a", 96, 64), ("scene_b", 50, 80), ("scene_c", 224, 224), ("scene_d", 301, 199)]
    for k, (name, w, h) in enumerate(specs):
        arr = background(w, h, k)
        img = Image.fromarray(arr, "RGB")
        draw = ImageDraw.Draw(img)
        objects = []
        shapes = [("ellipse", (220, 30, 30)), ("rectangle", (30, 60, 220)), ("polygon", (40, 200, 60))]
        for j, (shape, colour) in enumerate(shapes[: 2 if k % 2 == 0 else 3]):
            x0 = int(rs.randint(0, w // 2)); y0 = int(rs.randint(0, h // 2))
            x1 = min(w - 1, x0 + int(rs.randint(w // 4, w // 2))); y1 = min(h - 1, y0 + int(rs.randint(h // 4, h // 2)))
            mask = Image.new("L", (w, h), 0)
            md = ImageDraw.Draw(mask)
            if shape == "ellipse":
                draw.ellipse([x0, y0, x1, y1], fill=colour); md.ellipse([x0, y0, x1, y1], fill=255)
            elif shape == "rectangle":
                draw.rectangle([x0, y0, x1, y1], fill=colour); md.rectangle([x0, y0, x1, y1], fill=255)
            else:
                pts = [(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)]
                draw.polygon(pts, fill=colour); md.polygon(pts, fill=255)
            m = np.array(mask) > 0
            ys, xs = np.nonzero(m)
            # The tight box of the mask, as mmdet's fusion head makes it (float32), shifted by half-pixels so that
            # Pillow's rounding (half to even) of crop coordinates is exercised.
            box = np.array([xs.min() + 0.5, ys.min() - 0.5, xs.max() + 1.5, ys.max() + 0.7], dtype=np.float32)
            mask_name = f"{name}_mask{j}.png"
            mask.save(folder / mask_name)
            objects.append((box, mask_name))
        if k == 1:
            objects.append((np.array([-3.0, 10.2, w + 4.0, h - 10.0], dtype=np.float32), None))   # no mask, out of bounds
        img.save(folder / f"{name}.png")
        made.append((name, img, objects))
    return made


# ---------------------------------------------------------------------------------------------------- networks

def seeded_model(config, seed):
    torch.manual_seed(seed)
    model = CLIPModel(config).eval()
    # Larger than the default initialisation (std 0.02 everywhere gives nearly identical features for every input).
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("class_embedding") or "embedding.weight" in name:
                p.normal_(0, 0.5)
            elif "layer_norm" in name or "layrnorm" in name or "layernorm" in name:
                p.copy_(torch.randn_like(p) * 0.2 + (1.0 if name.endswith("weight") else 0.0))
            elif name.endswith("bias"):
                p.normal_(0, 0.1)
            elif p.dim() >= 2:
                p.normal_(0, 1.0 / np.sqrt(p.shape[1] if p.dim() == 2 else np.prod(p.shape[1:])))
    return model


def geneval_classifier(model, tokenizer, classname):
    """clip_benchmark's zero_shot_classifier with GenEval's templates: [dim, 10]."""
    columns = []
    for c in COLORS:
        texts = tokenizer([f"a photo of a {c} {classname}", f"a photo of a {c}-colored {classname}", f"a photo of a {c} object"])
        e = model.get_text_features(input_ids=texts)
        e = torch.nn.functional.normalize(e, dim=-1).mean(dim=0)
        e = e / e.norm()
        columns.append(e)
    return torch.stack(columns, dim=1)


def geneval_crop(image, box, mask):
    """ImageCrops.__getitem__ with bgcolor #999 and crop on."""
    image = image.convert("RGB")
    blank = Image.new("RGB", image.size, color="#999")
    if mask is not None:
        image = Image.composite(image, blank, Image.fromarray(mask))
    return image.crop(box[:4])


def run_references(folder, config, seed, images, image_folder, tokenizer, texts, classnames, save_bin=False, save_png=True):
    model = seeded_model(config, seed)
    transform = open_clip.transform.image_transform(config.vision_config.image_size, is_train=False)
    tensors, doc = {}, {"images": [], "texts": [], "colour_cases": [], "classifiers": []}
    # The transform's PIL part (Resize + CenterCrop) is saved as PNGs; the float part is ToTensor + Normalize.
    resize_crop = torchvision.transforms.Compose(transform.transforms[:2])
    assert [type(t).__name__ for t in transform.transforms[:2]] == ["Resize", "CenterCrop"], transform
    pre_folder = OUT / "preprocessed"
    pre_folder.mkdir(parents=True, exist_ok=True)

    def preprocess(img, png_name):
        small = resize_crop(img)
        pixels = transform(img).unsqueeze(0)
        again = torchvision.transforms.Compose(transform.transforms[2:])(small).unsqueeze(0)
        assert torch.equal(pixels, again)
        if png_name:
            small.save(pre_folder / png_name)
        return pixels

    with torch.no_grad():
        for name, img, _ in images:
            pixels = preprocess(img, f"{name}.png" if save_png else None)
            tensors[f"{name}.pixel_sum"] = pixels.sum().reshape(1)
            tensors[f"{name}.image_embeds"] = model.get_image_features(pixel_values=pixels).contiguous()
            doc["images"].append(name)
        for k, t in enumerate(texts):
            ids = tokenizer([t])
            tensors[f"text{k}.text_embeds"] = model.get_text_features(input_ids=ids).contiguous()
            end = ids[0].tolist().index(tokenizer.eot_token_id) + 1
            doc["texts"].append({"text": t, "ids": ids[0].tolist()[:end]})
        for cls in classnames:
            clf = geneval_classifier(model, tokenizer, cls)
            tensors[f"classifier.{cls}"] = clf.contiguous()
            doc["classifiers"].append(cls)
        for name, img, objects in images:
            for j, (box, mask_name) in enumerate(objects):
                mask = None if mask_name is None else (np.array(Image.open(image_folder / mask_name)) > 0)
                crop = geneval_crop(img, box, mask)
                if save_png:
                    crop.save(pre_folder / f"{name}.{j}.crop.png")
                pixels = preprocess(crop, f"{name}.{j}.crop224.png" if save_png else None)
                feats = torch.nn.functional.normalize(model.get_image_features(pixel_values=pixels), dim=-1)
                for cls in classnames[:2]:
                    logits = 100.0 * feats @ tensors[f"classifier.{cls}"]
                    top = torch.topk(logits[0], 2)
                    key = f"{name}.{j}.{cls}"
                    tensors[f"colour.{key}.logits"] = logits[0].contiguous()
                    doc["colour_cases"].append({"key": key, "image": f"{name}.png", "mask": mask_name,
                                                "box": [float(v) for v in box], "class": cls,
                                                "crop_size": list(crop.size), "color": COLORS[int(top.indices[0])],
                                                "margin": float(top.values[0] - top.values[1])})
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.float() for k, v in tensors.items()}, str(folder / "expected.safetensors"))
    (folder / "expected.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if save_bin:
        # The Hub's pytorch_model.bin (2021) carries the position_ids buffers; later transformers do not save them.
        state["text_model.embeddings.position_ids"] = torch.arange(config.text_config.max_position_embeddings).unsqueeze(0)
        state["vision_model.embeddings.position_ids"] = torch.arange(
            (config.vision_config.image_size // config.vision_config.patch_size) ** 2 + 1).unsqueeze(0)
        torch.save(state, folder / "pytorch_model.bin")
    else:
        save_file(state, str(folder / "model.safetensors"))
    return model


def tiny_config(vocab_size, eot):
    return {
        "architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 24, "logit_scale_init_value": 2.6592,
        "text_config": {"vocab_size": vocab_size, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                        "num_attention_heads": 4, "max_position_embeddings": 77, "hidden_act": "quick_gelu",
                        "layer_norm_eps": 1e-5, "bos_token_id": eot - 1, "eos_token_id": eot, "pad_token_id": 1,
                        "projection_dim": 24},
        "vision_config": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                          "image_size": 224, "patch_size": 14, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
                          "projection_dim": 24},
    }


def vitl_config():
    """openai/clip-vit-large-patch14's config.json, the fields CLIPConfig reads (the Hub's file also carries many
    generic PretrainedConfig fields, all at their defaults)."""
    return {
        "_name_or_path": "openai/clip-vit-large-patch14", "architectures": ["CLIPModel"], "initializer_factor": 1.0,
        "logit_scale_init_value": 2.6592, "model_type": "clip", "projection_dim": 768, "torch_dtype": "float32",
        "text_config": {"_name_or_path": "", "architectures": None, "attention_dropout": 0.0, "bos_token_id": 0,
                        "dropout": 0.0, "eos_token_id": 2, "hidden_act": "quick_gelu", "hidden_size": 768,
                        "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": 3072,
                        "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "model_type": "clip_text_model",
                        "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 1, "projection_dim": 768,
                        "vocab_size": 49408},
        "text_config_dict": {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12,
                             "num_hidden_layers": 12, "projection_dim": 768},
        "vision_config": {"_name_or_path": "", "attention_dropout": 0.0, "dropout": 0.0, "hidden_act": "quick_gelu",
                          "hidden_size": 1024, "image_size": 224, "initializer_factor": 1.0, "initializer_range": 0.02,
                          "intermediate_size": 4096, "layer_norm_eps": 1e-05, "model_type": "clip_vision_model",
                          "num_attention_heads": 16, "num_channels": 3, "num_hidden_layers": 24, "patch_size": 14,
                          "projection_dim": 768},
        "vision_config_dict": {"hidden_size": 1024, "intermediate_size": 4096, "num_attention_heads": 16,
                               "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768},
    }


def real_merges():
    lines = gzip.open(open_clip.tokenizer.default_bpe()).read().decode("utf-8").split("\n")
    return [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vitl", type=pathlib.Path, help="also write the ViT-L/14-shaped random run here (not committed)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    strings = test_strings()

    # Tiny vocabulary and tokenizer ids.
    tiny = OUT / "tiny"
    corpus = geneval_prompts() + [t.format(c=c, cls="object") for c in COLORS for t in TEMPLATES] + strings[:120]
    merges = train_tiny_bpe(corpus, 400)
    vocab_size = write_vocab(tiny, merges)
    tmp = pathlib.Path("/tmp/janus-eval-clip-fixtures"); tmp.mkdir(exist_ok=True)
    open_clip_gz(merges, tmp / "tiny_bpe.txt.gz")
    cases = tokenizer_cases(tiny, tmp / "tiny_bpe.txt.gz", strings)
    (OUT / "tokenizer_tiny.json").write_text(json.dumps({"vocab": "tiny", "cases": cases}, ensure_ascii=False) + "\n")

    # The real vocabulary (open_clip's bundled merges, in the Hub's vocab.json/merges.txt layout; not committed).
    real_dir = tmp / "real-vocab"
    write_vocab(real_dir, real_merges())
    real_cases = tokenizer_cases(real_dir, pathlib.Path(open_clip.tokenizer.default_bpe()), strings)
    (OUT / "tokenizer_real.json").write_text(json.dumps({"vocab": "openai (open_clip bpe_simple_vocab_16e6)",
                                                         "cases": real_cases}, ensure_ascii=False) + "\n")
    for label, cs in [("tiny", cases), ("real", real_cases)]:
        print(f"{label}: {len(cs)} strings; HF (ftfy) differs from open_clip on {sum(c['hf_ftfy'] is not None for c in cs)}, "
              f"HF (no ftfy) on {sum(c['hf_plain'] is not None for c in cs)}; ftfy changes {sum(c['ftfy_changes'] for c in cs)}")

    # Tiny networks, preprocessing and the colour classifier.
    images = draw_images(OUT / "images")
    eot = vocab_size - 1
    cfg_dict = tiny_config(vocab_size, eot)
    (tiny / "config.json").write_text(json.dumps(cfg_dict, indent=1) + "\n")
    tiny_tok = SimpleTokenizer(bpe_path=str(tmp / "tiny_bpe.txt.gz"))
    texts = ["a photo of a red car", "a photo of a potted plant and a hair drier", "", "Hello, World! It's 3.14",
             "word " * 100]
    run_references(tiny, CLIPConfig(**cfg_dict), 1234, images, OUT / "images", tiny_tok, texts, ["car", "potted plant", "hair drier"])

    if args.vitl:
        d = args.vitl
        d.mkdir(parents=True, exist_ok=True)
        cfg = vitl_config()
        (d / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
        write_vocab(d, real_merges())
        hub_tok = open_clip.get_tokenizer("ViT-L-14")
        run_references(d, CLIPConfig(**cfg), 4321, images[:2], OUT / "images", hub_tok,
                       ["a photo of a red car", "a photo of a purple-colored teddy bear"], ["car", "teddy bear"], save_bin=True, save_png=False)
        print(f"wrote {d}")


if __name__ == "__main__":
    main()
