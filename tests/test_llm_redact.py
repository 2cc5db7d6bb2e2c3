"""Secrets never leave the machine: a table of realistic secrets (redacted) and look-alikes (kept), and a
corpus of real LLM-serving code (harvested at test time from installed packages) that must pass unchanged."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from commitradar.writer.redact import redact

SECRETS = [
    # (text, the secret that must disappear)
    ('OPENAI_API_KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cD0eF"', "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cD0eF"),
    ("client = OpenAI(api_key='sk-8Jd92hfK28dhfKS92jdfKSLD92jdKDL2jd92JDksl')", "sk-8Jd92hfK28dhfKS92jdfKSLD92jdKDL2jd92JDksl"),
    ("ANTHROPIC_API_KEY=sk-ant-api03-xY9_kLmN0pQrStUvWxYz012345-abcdEFGHijklMNOPqrst", "sk-ant-api03-xY9_kLmN0pQrStUvWxYz012345-abcdEFGHijklMNOPqrst"),
    ("token: ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz", "ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz"),
    ("git clone https://github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS@github.com/o/r",
     "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"),
    ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("webhook: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
    ("export HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"),
    ("huggingface-cli login --token hf_ZyXwVuTsRqPoNmLkJiHgFeDcBa98765432", "hf_ZyXwVuTsRqPoNmLkJiHgFeDcBa98765432"),
    ('const key = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY";', "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'",
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("headers = {'Authorization': 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0'}", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq98s7sd6f5g4h3j2k1\nl0p9o8i7u6y5t4r3e2w1q\n-----END RSA PRIVATE KEY-----",
     "MIIEpAIBAAKCAQEA7bq98s7sd6f5g4h3j2k1"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
     "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"),
    ("DATABASE_URL=postgres://admin:S3cr3t-P%40ss@db.internal:5432/app", "S3cr3t-P%40ss"),
    ("redis_url: redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2"),
    ("+DB_PASSWORD=correct-horse-battery-staple", "correct-horse-battery-staple"),
    ('+    "client_secret": "9a8b7c6d5e4f3a2b1c0d",', "9a8b7c6d5e4f3a2b1c0d"),
    ("+SECRET_KEY='django-insecure-8x!k2#p0q9w7e6r5t4y3u2i1o'", "django-insecure-8x!k2#p0q9w7e6r5t4y3u2i1o"),
    ("+  password: Tr0ub4dor&3", "Tr0ub4dor&3"),
    ("STRIPE_KEY=sk_live_51H8x2jK3l4m5n6o7p8q9r0s1t2u3", "sk_live_51H8x2jK3l4m5n6o7p8q9r0s1t2u3"),
    ("GITLAB_TOKEN glpat-xY12zAbCdEfGhIjKlMnO", "glpat-xY12zAbCdEfGhIjKlMnO"),
    ("session = eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJhdXRoLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU",
     "c2lnbmF0dXJlLXZhbHVlLWhlcmU"),
    # by value after a name that only says "token"/"key": a long random literal
    ('+    token = "a8f5f167f44f4964e6c998dee827110c"', "a8f5f167f44f4964e6c998dee827110c"),
    ("session_key=Zx81Kq0pLm29Vb7cN4xW", "Zx81Kq0pLm29Vb7cN4xW"),
    ("token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    # any literal after a password/secret/API-key name, in code, YAML and .env
    ("export API_KEY=abcdef1234567890abcdef", "abcdef1234567890abcdef"),
    ("+DB_PASS=Sup3rS3cret", "Sup3rS3cret"),
    ("SMTP_PW: mailpass123", "mailpass123"),
    ('String apiKey = "AbCdEf0123456789";', "AbCdEf0123456789"),
    ('password = "hunter2"', "hunter2"),
    ("auth_token: 'abc123def456ghi789jkl'", "abc123def456ghi789jkl"),
    ("password: str = 'Tr0ub4dor&3'", "Tr0ub4dor&3"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZGZvcmFkbWlu", "dXNlcjpwYXNzd29yZGZvcmFkbWlu"),
]

KEEP = [
    "max_tokens = 4096",
    "tokenizer = AutoTokenizer.from_pretrained(model_path)",
    'api_key = os.environ["OPENAI_API_KEY"]',
    "api_key = os.getenv('OPENAI_API_KEY')",
    "OPENAI_API_KEY=${OPENAI_API_KEY}",
    "password: <your-password>",
    "token = None",
    "self.auth_type = 'oauth'",
    "num_tokens_per_batch = 128",
    "def get_secret(name: str) -> str:",
    "Fix race in req_to_token pool (#17850)",
    "git clone https://github.com/sgl-project/sglang.git",
    "sha = 980d2936cd9a94a6346fb678a8134d5776fdf996",
    "skip_tokenizer_init: bool = False",
    "The bearer of this message is welcome.",
    "special_tokens = ['<s>', '</s>']",
    # issue 15: names that contain "token" or "key" hold no secret in LLM-serving code
    "num_tokens_padded = max_num_reqs * self.num_query_per_req",
    "LocalTensor<int32_t> tokenLocal = tokenQueue.AllocTensor<int32_t>();",
    '"num_speculative_tokens": num_speculative_tokens,',
    "key_cache = torch.zeros(num_blocks, block_size, num_kv_heads, head_size, dtype=dtype)",
    "bool pass = size_0_cond && size_1_cond && is_contiguous && same_type;",
    'api_key="EMPTY",',
    "# PWD: /__w/vllm-ascend/vllm-ascend",
    'OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}',
    'HITEST_SECRET="${HITEST_SECRET:-}"',
    'RUN git clone "https://${GITEE_USERNAME}:${GITEE_TOKEN}@gitee.com/o/r.git"',
    "# access_key = \"AKXXXXXXXXXXXXXXXXXXXX\"  # gitleaks:allow",
    "password: str",
    'tokenizer = "meta-llama/Llama-3.1-8B-Instruct"',
    "self.api_key = api_key",
    "password_min_length = 12",
    "# inplace_pass=False: disable reinplace pass to avoid gelu fallback to CPU.",
    "- [ ] unit tests pass: `pytest tests/test_lmdeploy/`",
    "  OPENAI_API_KEY: sk-empty",
    "api_key = 'sk-xxx'",
]



@pytest.mark.parametrize("text,secret", SECRETS, ids=[s[0][:30] for s in SECRETS])
def test_secrets_are_redacted(text, secret):
    out, n = redact(text)
    assert secret not in out
    assert "[REDACTED:" in out and n >= 1


@pytest.mark.parametrize("text", KEEP)
def test_non_secrets_survive(text):
    out, n = redact(text)
    assert out == text and n == 0


def test_redaction_keeps_the_surroundings():
    out, _ = redact("url = 'https://alice:pw12345678@example.com/x'  # staging")
    assert out.startswith("url = 'https://alice:[REDACTED:password]@example.com/x'")
    assert out.endswith("# staging")
    assert redact("") == ("", 0)


# ------------------------------------------------------------------ real LLM-serving code keeps every line

# Read at test time from the installed packages (never copied into the project): the runtime dependencies
# (transformers with huggingface_hub, openai, sentence_transformers) and llama_cpp's server, which comes with
# the llm-e2e extra (the corpus is large enough without it).
CORPUS_SOURCES = {
    "transformers": ("generation/*.py", "cache_utils.py", "tokenization_utils_base.py", "models/llama/*.py",
                     "pipelines/text_generation.py"),
    "openai": ("_client.py", "lib/azure.py", "resources/chat/completions/*.py", "resources/completions.py",
               "types/chat/*.py"),
    "huggingface_hub": ("constants.py", "utils/_auth.py"),  # where transformers looks up HF_TOKEN
    "sentence_transformers": ("SentenceTransformer.py", "models/*.py"),
    "llama_cpp": ("server/*.py", "llama.py"),
}
# what LLM-serving diffs are full of: token counts, KV cache, tokenizers, sampling, API-key lookups
CATEGORIES = {
    "token counts": re.compile(r"(?i)\b\w*(?:num|max|min|n|total)_\w*tokens?\w*\b|\btokens?_\w+\b\s*[=:]"),
    "kv cache": re.compile(r"(?i)kv_?cache|key_cache|value_cache|past_key|key_states|cache_position|\bkeys?\s*="),
    "tokenizer": re.compile(r"(?i)tokeniz"),
    "sampling": re.compile(r"(?i)\b(?:temperature|top_p|top_k|min_p|repetition_penalty|presence_penalty|"
                           r"frequency_penalty|do_sample|logprobs)\b"),
    "api-key lookups": re.compile(r"(?i)(?:api_?key|token|secret|credential)\w*\b.*"
                                  r"(?:environ|getenv|env\.get|[\"'][A-Z_]*(?:API_KEY|TOKEN)[\"'])"),
}


def harvest_corpus() -> dict[str, list[str]]:
    """category -> code lines (stripped, deduplicated, in file order): assignments and key: value lines only."""
    out: dict[str, list[str]] = {k: [] for k in CATEGORIES}
    seen: set[str] = set()
    for package, patterns in CORPUS_SOURCES.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        files = sorted({p for pat in patterns for p in root.glob(pat) if p.is_file()})
        for path in files:
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                text = line.strip()
                if not text or text.startswith(("#", '"""', ">>>")) or text in seen or not re.search(r"[=:]", text):
                    continue
                for name, rx in CATEGORIES.items():
                    if rx.search(text):
                        out[name].append(text)
                        seen.add(text)
                        break
    return out


def test_real_llm_serving_code_is_kept():
    corpus = harvest_corpus()
    lines = [ln for group in corpus.values() for ln in group]
    sizes = {k: len(v) for k, v in corpus.items()}
    assert len(lines) >= 200, sizes
    assert min(sizes.values()) >= 10, sizes  # every kind of line is there, not just one
    changed = [(ln, redact(ln)[0]) for ln in lines if redact(ln)[0] != ln]
    print(f"\nredaction corpus: {len(lines)} lines {sizes}; changed {len(changed)}")
    assert len(changed) <= 1, changed[:10]
