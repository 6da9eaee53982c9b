"""Tiny random Janus checkpoints in the official deepseek-ai layout, and the reference's outputs on them.

Writes Tests/Fixtures/janus/<layout>/ for three layouts:
  janus-tiny       Janus-1.3B layout: roles "User"/"Assistant", model.safetensors (bf16)
  pro-tiny         Janus-Pro layout:  roles "<|User|>"/"<|Assistant|>", pytorch_model.bin (zip pickle, bf16)
  janusflow-tiny   JanusFlow layout (understanding parts exercised): model.safetensors (bf16)
Each folder holds config.json (official format; the non-standard vision / VQ names carry their sizes in
`params`), tokenizer.json + tokenizer_config.json + special_tokens_map.json (a tiny byte-level BPE trained with
the DeepSeek pre-tokenizer, special tokens appended after the BPE vocabulary like the real one),
processor_config.json, preprocessor_config.json, the weights, and expected.safetensors + expected.json with the
reference outputs: processed pixels, SigLIP output, aligner output, input ids, logits at every position and
greedy answer ids for three image+question prompts. Images are tiny PNGs under Tests/Fixtures/janus/images/.

The reference is the official code (JANUS_SRC, see janus_reference.py) run in float32 with bf16-rounded
weights, so a port computing in f32 from the bf16 checkpoint should agree to float rounding.
"""
import json
import pathlib

import numpy as np
from PIL import Image

import janus_reference as ref
import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, pre_tokenizers, trainers

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "janus"
REAL_TOKENIZER = ROOT.parent / "shared" / "fixtures" / "deepseek-llm" / "tokenizer.json"

BOS, EOS, PAD = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>"
IMAGE_TAGS = ["<image_placeholder>", "<begin_of_image>", "<end_of_image>"]
PRO_ROLES = ["<|User|>", "<|Assistant|>"]
GEN_TAG = "<｜begin▁of▁generation｜>"
SYSTEM_PROMPT = ("You are a helpful language and vision assistant. You are able to understand the visual content "
                 "that the user provides, and assist the user with a variety of tasks using natural language.")
CORPUS = [
    SYSTEM_PROMPT, "What is in this image? Describe it in detail.", "Is there a dog in the image?",
    "Answer the question using a single word or phrase.", "a photo of a red bench and a blue car",
    "User: Assistant: Options: A. cat B. dog C. horse D. bird", "How many people are there? 1 2 3 4 5",
    "The quick brown fox jumps over the lazy dog. Yes, no, maybe.",
]
VISION = dict(model_name="siglip_tiny_patch8_32", image_size=32, patch_size=8, width=32, layers=2, heads=2,
              mlp_ratio=4, select_feature="same", select_layer=-1)
VQ = dict(codebook_size=64, codebook_embed_dim=8, encoder_ch_mult=[1, 2], decoder_ch_mult=[1, 2],
          z_channels=32, ch=32)
HIDDEN, VOCAB_ROWS = 64, 448
QUESTIONS = ["What is in this image?", "Is there a dog in the image? Answer yes or no.",
             "Describe the colors in detail."]
IMAGES = {"wide.png": (45, 30), "tall.png": (20, 50), "square.png": (32, 32)}


def train_tokenizer(extra_specials):
    """A tiny BPE with the real DeepSeek pre-tokenizer/decoder; specials appended after the vocabulary."""
    real = json.loads(REAL_TOKENIZER.read_text())
    spec = dict(real, added_tokens=[], post_processor=None)
    spec["model"] = dict(real["model"], vocab={}, merges=[])
    tok = Tokenizer.from_str(json.dumps(spec))
    trainer = trainers.BpeTrainer(vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(CORPUS * 4, trainer)
    tok.add_special_tokens([BOS, EOS, PAD] + IMAGE_TAGS + extra_specials)
    out = json.loads(tok.to_str())
    bos_id = out["added_tokens"][0]["id"]
    out["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": BOS, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {BOS: {"id": BOS, "ids": [bos_id], "tokens": [BOS]}},
    }
    return out


def make_images():
    folder = OUT / "images"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    for name, (w, h) in IMAGES.items():
        yy, xx = np.mgrid[0:h, 0:w]
        base = np.stack([xx * 255 // max(w - 1, 1), yy * 255 // max(h - 1, 1), (xx + yy) * 4 % 256], -1)
        noise = rng.integers(0, 40, size=(h, w, 3))
        Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB").save(folder / name)


def janus_config(roles_pro):
    return {
        "model_type": "multi_modality",
        "architectures": ["MultiModalityCausalLM"],
        "torch_dtype": "bfloat16",
        "vision_config": {"cls": "CLIPVisionTower", "model_type": "vision", "params": dict(VISION)},
        "aligner_config": {"cls": "MlpProjector", "model_type": "aligner",
                           "params": {"depth": 2, "input_dim": VISION["width"], "n_embed": HIDDEN,
                                      "projector_type": "mlp_gelu"}},
        "gen_vision_config": {"cls": "VQ-tiny", "model_type": "gen_vision",
                              "params": dict(VQ, image_token_size=VQ["codebook_size"], n_embed=8)},
        "gen_aligner_config": {"cls": "MlpProjector", "model_type": "gen_aligner",
                               "params": {"depth": 2, "input_dim": 8, "n_embed": HIDDEN,
                                          "projector_type": "mlp_gelu"}},
        "gen_head_config": {"cls": "vision_head", "model_type": "gen_head",
                            "params": {"image_token_embed": HIDDEN, "image_token_size": VQ["codebook_size"],
                                       "n_embed": HIDDEN}},
        "language_config": {"model_type": "llama", "hidden_size": HIDDEN, "intermediate_size": 128,
                            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
                            "vocab_size": VOCAB_ROWS, "max_position_embeddings": 16384,
                            "torch_dtype": "bfloat16"},
    }


def write_tokenizer_files(folder, tokenizer_json, roles_pro):
    ref.write_json(folder / "tokenizer.json", tokenizer_json)
    ref.write_json(folder / "tokenizer_config.json", {
        "bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "model_max_length": 16384,
        "tokenizer_class": "LlamaTokenizerFast", "clean_up_tokenization_spaces": False,
        "add_bos_token": True, "add_eos_token": False})
    extra = IMAGE_TAGS + (PRO_ROLES if roles_pro else [])
    ref.write_json(folder / "special_tokens_map.json", {
        "bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "additional_special_tokens": extra})


def processor_for(folder, layout):
    from transformers import LlamaTokenizerFast
    tokenizer = LlamaTokenizerFast.from_pretrained(str(folder))
    if layout == "janusflow-tiny":
        from janus.janusflow.models.image_processing_vlm import VLMImageProcessor
        from janus.janusflow.models.processing_vlm import VLChatProcessor
    else:
        from janus.models.image_processing_vlm import VLMImageProcessor
        from janus.models.processing_vlm import VLChatProcessor
    image_processor = VLMImageProcessor(image_size=VISION["image_size"], min_size=14,
                                        image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5],
                                        rescale_factor=1 / 255, do_normalize=True)
    n_tokens = (VISION["image_size"] // VISION["patch_size"]) ** 2
    return VLChatProcessor(image_processor=image_processor, tokenizer=tokenizer, num_image_tokens=n_tokens,
                           add_special_token=False, sft_format="deepseek", mask_prompt=True, ignore_id=-100)


def tiny_janusflow(seed):
    """The official JanusFlow model with its hard-coded 1024/2048/768 aligner widths replaced by tiny ones."""
    from janus.janusflow.models.modeling_vlm import MultiModalityCausalLM as FlowLM
    from janus.janusflow.models.modeling_vlm import MultiModalityConfig as FlowConfig
    from janus.janusflow.models.uvit import RMSNorm  # noqa: F401  (ensures the module imports)
    from transformers.models.llama.modeling_llama import LlamaRMSNorm
    if VISION["model_name"] not in ref.siglip_vit.SigLIP_MODEL_CONFIG:
        ref.register_vision(VISION["model_name"], VISION)
    from janus.janusflow.models import siglip_vit as flow_siglip
    flow_siglip.SigLIP_MODEL_CONFIG.setdefault(VISION["model_name"], ref.siglip_vit.SigLIP_MODEL_CONFIG[VISION["model_name"]])
    gen_width = 32
    config = {
        "model_type": "multi_modality", "architectures": ["MultiModalityCausalLM"], "torch_dtype": "bfloat16",
        "vision_und_enc_config": {"cls": "CLIPVisionTower", "model_type": "vision_und_enc", "params": dict(VISION)},
        "vision_gen_enc_config": {"cls": "ShallowUViTEncoder", "model_type": "vision_gen_enc",
                                  "params": {"input_channels": 4, "image_size": 32, "stride": 2, "kernel_size": 2, "padding": 0,
                                             "block_out_channels": [gen_width], "layers_in_middle": 2,
                                             "hidden_size": HIDDEN, "elementwise_affine": True, "use_bias": True,
                                             "norm_eps": 1e-6, "dropout": 0.0, "use_mid_block": True}},
        "vision_gen_dec_config": {"cls": "ShallowUViTDecoder", "model_type": "vision_gen_dec",
                                  "params": {"in_channels": gen_width, "out_channels": 4,
                                             "block_out_channels": [gen_width], "upsamples": 1,
                                             "layers_in_middle": 2, "hidden_size": HIDDEN,
                                             "elementwise_affine": True, "norm_eps": 1e-6, "use_bias": True,
                                             "dropout": 0.0, "use_mid_block": True}},
        "language_config": janus_config(False)["language_config"],
    }
    model = FlowLM(FlowConfig(**config))
    model.vision_und_enc_aligner = torch.nn.Linear(VISION["width"], HIDDEN, bias=True)
    model.beg_of_und_embed = torch.nn.Parameter(torch.zeros(1, HIDDEN))
    model.vision_gen_enc_aligner = torch.nn.Linear(gen_width, HIDDEN, bias=True)
    model.vision_gen_dec_aligner_norm = LlamaRMSNorm(HIDDEN, eps=model.config.language_config.rms_norm_eps)
    model.vision_gen_dec_aligner = torch.nn.Linear(HIDDEN, gen_width, bias=True)
    return model.eval(), config


def run_understanding(model, processor, layout, roles):
    """Reference outputs for three image+question prompts."""
    results, tensors = [], {}
    names = list(IMAGES)
    for k, question in enumerate(QUESTIONS):
        image = Image.open(OUT / "images" / names[k]).convert("RGB")
        conversation = [{"role": roles[0], "content": f"<image_placeholder>\n{question}", "images": [names[k]]},
                        {"role": roles[1], "content": ""}]
        inputs = processor(conversations=conversation, images=[image], force_batchify=True)
        with torch.no_grad():
            if layout == "janusflow-tiny":
                vision_out = model.vision_und_enc_model(inputs.pixel_values[0])
                aligned = model.vision_und_enc_aligner(vision_out)
            else:
                vision_out = model.vision_model(inputs.pixel_values[0])
                aligned = model.aligner(vision_out)
            embeds = model.prepare_inputs_embeds(**inputs)
            out = model.language_model(inputs_embeds=embeds, attention_mask=inputs.attention_mask)
            generated = model.language_model.generate(
                inputs_embeds=embeds, attention_mask=inputs.attention_mask,
                pad_token_id=processor.tokenizer.eos_token_id, bos_token_id=processor.tokenizer.bos_token_id,
                eos_token_id=processor.tokenizer.eos_token_id, max_new_tokens=12, do_sample=False, use_cache=True)
        ids = inputs.input_ids[0].tolist()
        tensors[f"p{k}.pixel_values"] = inputs.pixel_values[0, 0].contiguous()
        tensors[f"p{k}.vision"] = vision_out[0].contiguous()
        tensors[f"p{k}.aligned"] = aligned[0].contiguous()
        tensors[f"p{k}.logits"] = out.logits[0].contiguous()
        results.append({"image": names[k], "question": question, "sft_format": inputs.sft_format[0],
                        "input_ids": ids, "greedy_ids": generated[0].tolist(),
                        "greedy_text": processor.tokenizer.decode(generated[0].tolist(), skip_special_tokens=True),
                        "logits_scale": float(out.logits.abs().max())})
    return results, tensors


GEN_PROMPTS = ["a photo of a red bench", "a cat and a dog", "two apples on a table"]


def run_generation(model, processor, roles, parallel_size=2, cfg_weight=5.0):
    """generation_inference.py's loop with argmax in place of multinomial (no RNG), and the VQ decode."""
    side = VISION["image_size"] // (2 ** (len(VQ["decoder_ch_mult"]) - 1))
    n_tokens = side * side
    results, tensors = [], {}
    for k, text in enumerate(GEN_PROMPTS):
        conversation = [{"role": roles[0], "content": text}, {"role": roles[1], "content": ""}]
        sft = processor.apply_sft_template_for_multi_turn_prompts(conversations=conversation, sft_format=processor.sft_format,
                                                                   system_prompt="")
        prompt = sft + processor.image_start_tag
        input_ids = torch.LongTensor(processor.tokenizer.encode(prompt))
        tokens = torch.zeros((parallel_size * 2, len(input_ids)), dtype=torch.int)
        for i in range(parallel_size * 2):
            tokens[i, :] = input_ids
            if i % 2 != 0:
                tokens[i, 1:-1] = processor.pad_id
        with torch.no_grad():
            inputs_embeds = model.language_model.get_input_embeddings()(tokens)
            generated = torch.zeros((parallel_size, n_tokens), dtype=torch.int)
            first_logits = None
            outputs = None
            for i in range(n_tokens):
                outputs = model.language_model.model(inputs_embeds=inputs_embeds, use_cache=True,
                                                     past_key_values=outputs.past_key_values if i != 0 else None)
                logits = model.gen_head(outputs.last_hidden_state[:, -1, :])
                mixed = logits[1::2, :] + cfg_weight * (logits[0::2, :] - logits[1::2, :])
                if i == 0:
                    first_logits = mixed.clone()
                next_token = torch.argmax(mixed, dim=-1, keepdim=True)
                generated[:, i] = next_token.squeeze(dim=-1)
                next_token = torch.cat([next_token.unsqueeze(dim=1), next_token.unsqueeze(dim=1)], dim=1).view(-1)
                inputs_embeds = model.prepare_gen_img_embeds(next_token).unsqueeze(dim=1)
            dec = model.gen_vision_model.decode_code(generated.to(dtype=torch.int),
                                                     shape=[parallel_size, VQ["codebook_embed_dim"], side, side])
        pixels = np.clip((dec.to(torch.float32).numpy().transpose(0, 2, 3, 1) + 1) / 2 * 255, 0, 255).astype(np.uint8)
        tensors[f"g{k}.tokens"] = generated.to(torch.int64).contiguous()
        tensors[f"g{k}.first_mixed_logits"] = first_logits.contiguous()
        tensors[f"g{k}.decoded"] = dec.to(torch.float32).contiguous()
        tensors[f"g{k}.pixels"] = torch.from_numpy(pixels.copy())
        results.append({"prompt": text, "sft_prompt": prompt, "input_ids": input_ids.tolist(), "pad_id": processor.pad_id,
                        "parallel_size": parallel_size, "cfg_weight": cfg_weight, "image_tokens": n_tokens})
    return results, tensors


def save_weights(model, folder, as_bin):
    state = {k: v.to(torch.bfloat16).contiguous() for k, v in model.state_dict().items()
             if v.dtype.is_floating_point}
    state.update({k: v for k, v in model.state_dict().items() if not v.dtype.is_floating_point})
    if as_bin:
        torch.save(state, folder / "pytorch_model.bin")
    else:
        save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})


def make(layout, seed):
    folder = OUT / layout
    folder.mkdir(parents=True, exist_ok=True)
    pro = layout == "pro-tiny"
    roles = PRO_ROLES if pro else ["User", "Assistant"]
    extra = (PRO_ROLES if pro else []) + ([GEN_TAG] if layout == "janusflow-tiny" else [])
    write_tokenizer_files(folder, train_tokenizer(extra), pro)
    if layout == "janusflow-tiny":
        model, config = tiny_janusflow(seed)
    else:
        config = janus_config(pro)
        model = ref.build_janus(config)
    ref.randomize_(model, seed)
    ref.round_to_bf16_(model)
    ref.write_json(folder / "config.json", config)
    n_tokens = (VISION["image_size"] // VISION["patch_size"]) ** 2
    ref.write_json(folder / "processor_config.json", {
        "add_special_token": False, "ignore_id": -100, "image_tag": "<image_placeholder>", "mask_prompt": True,
        "num_image_tokens": n_tokens, "processor_class": "VLChatProcessor", "sft_format": "deepseek"})
    ref.write_json(folder / "preprocessor_config.json", {
        "background_color": [127, 127, 127], "do_normalize": True, "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "VLMImageProcessor", "image_size": VISION["image_size"],
        "image_std": [0.5, 0.5, 0.5], "min_size": 14, "processor_class": "VLChatProcessor",
        "rescale_factor": 0.00392156862745098})
    save_weights(model, folder, as_bin=pro)
    processor = processor_for(folder, layout)
    results, tensors = run_understanding(model, processor, layout, roles)
    save_file(tensors, str(folder / "expected.safetensors"))
    if layout != "janusflow-tiny":
        gen_results, gen_tensors = run_generation(model, processor, roles)
        save_file(gen_tensors, str(folder / "expected_generation.safetensors"))
        ref.write_json(folder / "expected_generation.json", {
            "reference": "generation_inference.py loop (deepseek-ai/Janus @ 1daa72f) with argmax instead of multinomial",
            "prompts": gen_results})
    ref.write_json(folder / "expected.json", {
        "layout": layout, "roles": roles, "system_prompt": SYSTEM_PROMPT, "num_image_tokens": n_tokens,
        "reference": "deepseek-ai/Janus @ 1daa72f, float32 compute with bf16-rounded weights",
        "prompts": results})
    print(f"wrote {folder}: {sorted(p.name for p in folder.iterdir())}")


if __name__ == "__main__":
    torch.manual_seed(0)
    make_images()
    for seed, layout in enumerate(["janus-tiny", "pro-tiny", "janusflow-tiny"]):
        make(layout, seed + 1)
