"""Secrets never leave the machine: a table of realistic secrets (redacted) and look-alikes (kept)."""
from __future__ import annotations

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
