"""Token ids from the `tokenizers` library for >= 1,000 strings, on the real DeepSeek-LLM tokenizer.

Tests/Fixtures/tokenizer/tokenizer.json is a copy of shared/fixtures/deepseek-llm/tokenizer.json (102,400 entries).
Writes Tests/Fixtures/tokenizer/strings.json: for each string, ids without and with the BOS post-processor; and,
for the chat-template strings, ids under a Janus-like variant whose filler added tokens at the ids in
JANUS_TOKENS are renamed to the Janus tags (as tools/reference/make_fullsize_checkpoint.py does).
"""
import json
import pathlib
import random

from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "tokenizer"
JANUS_TOKENS = {100002: "<｜▁pad▁｜>", 100003: "<|User|>", 100004: "<|Assistant|>", 100016: "<begin_of_image>",
                100017: "<end_of_image>", 100018: "<｜begin▁of▁generation｜>", 100581: "<image_placeholder>"}
BOS, EOS = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"

BASE = [
    "", " ", "  ", "\n", "\r\n", "\t", " \t \n", "Hello, how are you?", "Hello world", "hello   world  ", "  leading",
    "trailing   ", "a", "I'm", "don't", "It's 3.14159!", "1234567890", "12,345.67", "v1.2.3-beta", "0x1F600",
    "2024-11-22T11:46:25Z", "The quick brown fox jumps over the lazy dog.", "THE QUICK BROWN FOX", "naïve café résumé",
    "Bjørn Ødegård", "Ünïcödé tëxt", "Ça va? Très bien!", "¿Qué tal? ¡Bien!", "Größe", "ſtraße", "Œuvre æsthetic",
    "你好，世界", "我爱北京天安门。", "中文English混合123", "こんにちは世界", "カタカナとひらがな", "안녕하세요 세계",
    "Привет, мир!", "Ελληνικά γράμματα", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "გამარჯობა",
    "Բարեւ", "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ", "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ！", "𝔸𝔹ℂ 𝒳", "𐐀𐐁𐐂 Deseret", "😀😃😄", "👨‍👩‍👧‍👦 family", "🇺🇸🇯🇵 flags",
    "👍🏽 skin tone", "♥ ☃ ★ ✓", "∑∫√∞ ≠ ≤ ≥", "→ ← ↑ ↓", "€£¥₹", "def f(x):\n    return x ** 2\n",
    "let x: [Int] = [1, 2, 3]\nprint(x.map { $0 * 2 })", "{\"key\": [1, 2.5, null, true]}", "^\\d+\\.png$",
    "https://example.com/path?query=1&b=2#frag", "user@example.org", "C:\\Windows\\System32", "<html><body>hi</body></html>",
    "!!!???...---", "(((nested)))", "a\u00a0b", "zero\u200bwidth", "tab\there", "line1\nline2\n\nline4",
    "    indented code", "MiXeD CaSe WoRdS", "snake_case_name", "camelCaseName", "kebab-case-name", "#hashtag @mention",
    BOS + "text", "text" + EOS, BOS + EOS, "<|User|>: hi", "<image_placeholder>", "<begin_of_image>", "<｜▁pad▁｜>",
    "User: <image_placeholder>\nWhat is this?\n\nAssistant:", "ø", "ö ú ÿ", "[PAD100015]", "a[PAD100020]b",
]
TEMPLATES = [
    "<|User|>: <image_placeholder>\nWhat is this?\n\n<|Assistant|>:",
    "You are a helpful language and vision assistant.\n\n<|User|>: <image_placeholder>\nIs there a dog in the image?\nAnswer the question using a single word or phrase.\n\n<|Assistant|>:",
    "<|User|>: a photo of a red bench\n\n<|Assistant|>:<begin_of_image>",
    "User: a photo of two dogs\n\nAssistant:<begin_of_image>",
    "<｜begin▁of▁sentence｜><|User|>: hi\n\n<|Assistant|>: hello<｜end▁of▁sentence｜>",
    "<begin_of_image><image_placeholder><image_placeholder><end_of_image>",
    "<｜▁pad▁｜><｜▁pad▁｜><begin_of_image>", "<｜begin▁of▁generation｜>",
]
POOLS = ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " \t\n\r", ".,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|",
         "äöüßéèêàçñøåæœ", "你好世界中文字符测试", "ひらがなカタカナ", "한국어텍스트", "абвгдежзийклмнопрстуфхцчшщъыьэюя",
         "αβγδεζηθικλμνξοπρστυφχψω", "😀😃😄😁🎉👍🏽👨‍👩‍👧", "𝔸𝔹ℂ𐐀𐐁", "٠١٢٣٤٥٦٧٨٩⁰¹²³½¾Ⅻ", "\u00a0\u2003\u3000"]


def main():
    tok = Tokenizer.from_file(str(ROOT / "tokenizer.json"))
    rng = random.Random(2024)
    strings = list(BASE) + TEMPLATES
    words = ["the", "image", "photo", "a", "of", "red", "two", "dogs", "question", "answer", "yes", "no", "model",
             "Janus", "DeepSeek", "token", "test"]
    while len(strings) < 1100:
        kind = rng.randrange(3)
        if kind == 0:
            n = rng.randrange(1, 40)
            pool = "".join(rng.sample(POOLS, rng.randrange(1, 4)))
            strings.append("".join(rng.choice(pool) for _ in range(n)))
        elif kind == 1:
            strings.append(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) + rng.choice([".", "?", "!", "", "\n"]))
        else:
            strings.append(rng.choice(BASE[7:]) + rng.choice(["", " ", "\n", "  "]) + rng.choice(POOLS[rng.randrange(len(POOLS))]))
    cases = []
    for s in strings:
        ids = tok.encode(s, add_special_tokens=False).ids
        with_bos = tok.encode(s).ids
        cases.append({"text": s, "ids": ids, "ids_bos": with_bos})
    spec = json.loads((ROOT / "tokenizer.json").read_text())
    for entry in spec["added_tokens"]:
        if entry["id"] in JANUS_TOKENS:
            entry.update(content=JANUS_TOKENS[entry["id"]], special=True, normalized=False)
    janus = Tokenizer.from_str(json.dumps(spec))
    janus_cases = [{"text": s, "ids_bos": janus.encode(s).ids,
                    "decoded": janus.decode(janus.encode(s).ids, skip_special_tokens=True)} for s in TEMPLATES]
    (ROOT / "strings.json").write_text(json.dumps({"tokenizers": "0.22.2", "janus_tokens": {str(k): v for k, v in JANUS_TOKENS.items()},
                                                   "cases": cases, "janus_variant": janus_cases}, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} strings and {len(janus_cases)} Janus-variant strings to {ROOT / 'strings.json'}")


if __name__ == "__main__":
    main()
