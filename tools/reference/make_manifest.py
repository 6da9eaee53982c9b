"""Writes Tests/Fixtures/MANIFEST.json: every fixture file's SHA-256 and size, and the versions that made them."""
import hashlib
import importlib.metadata as md
import json
import pathlib
import platform

root = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures"
packages = ["torch", "transformers", "diffusers", "pytorch-fid", "torch-fidelity", "safetensors",
            "tokenizers", "numpy", "scipy", "pillow", "pycocotools"]
versions = {}
for name in packages:
    try:
        versions[name] = md.version(name)
    except md.PackageNotFoundError:
        versions[name] = None
files = {}
for path in sorted(root.rglob("*")):
    if path.is_file() and path.name != "MANIFEST.json":
        data = path.read_bytes()
        files[str(path.relative_to(root))] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
manifest = {"python": platform.python_version(), "versions": versions, "files": files}
(root / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
print(f"wrote {root / 'MANIFEST.json'}: {len(files)} files")
