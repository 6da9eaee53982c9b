"""PyPI's torchvision is a CUDA build; beside CPU torch its compiled ops fail to register on import.
pytorch-fid and torch-fidelity import torchvision only for model definitions, so we stub the two
internal registration modules before the first import. Import this module first."""
import sys
import types

for name in ("torchvision._meta_registrations", "torchvision.ops._register_onnx_ops"):
    stub = types.ModuleType(name)
    stub._register_custom_op = lambda *a, **k: None
    sys.modules.setdefault(name, stub)
try:
    import torch
    if not hasattr(torch.ops, "torchvision") or not hasattr(torch.ops.torchvision, "nms"):
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _keep = lib
except Exception:  # pragma: no cover - best effort
    pass
