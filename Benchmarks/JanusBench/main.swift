import Tensors
print("janus-bench")
