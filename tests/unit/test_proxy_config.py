"""Proxy URLs: what is accepted, what is refused (and why), and that the password never shows."""

from __future__ import annotations

import pytest

from gateway.core.errors import InvalidInput
from gateway.core.proxy import ProxyConfig, parse_proxy_url

SECRET = "s3cr3t:p@ss/w0rd"


@pytest.mark.parametrize(("url", "expected"), [
    ("socks5://proxy.example.com:1080", ProxyConfig("socks5", "proxy.example.com", 1080)),
    ("HTTP://User:pw@Proxy.Example.com:3128", ProxyConfig("http", "proxy.example.com", 3128, "User", "pw")),
    ("https://only-user@10.0.0.1:443/", ProxyConfig("https", "10.0.0.1", 443, "only-user")),
    ("socks5://u:%3Ap%40s%2F@[2001:db8::1]:1080", ProxyConfig("socks5", "2001:db8::1", 1080, "u", ":p@s/")),
    ("  socks5://h.io:1  ", ProxyConfig("socks5", "h.io", 1)),
])
def test_accepted_urls(url: str, expected: ProxyConfig) -> None:
    assert parse_proxy_url(url) == expected


@pytest.mark.parametrize(("url", "why"), [
    (None, "must be a proxy URL"), ("", "must be a proxy URL"), (42, "must be a proxy URL"),
    ("ftp://h.io:21", "scheme must be one of"), ("socks4://h.io:1080", "scheme"), ("h.io:1080", "scheme"),
    ("http://h.io", "needs a port"), ("http://h.io:0", "needs a port"), ("http://h.io:70000", "invalid port"),
    ("http://h.io:abc", "invalid port"), ("http://:8080", "no host"), ("http://h.io:8080/path", "without a path"),
    ("http://h.io:8080?x=1", "without a path"), ("http://h.io:8080#f", "without a path"),
    ("http://h .io:8080", "spaces or control"), ("http://h.io:8080\r\nX: y", "spaces or control"),
    ("http://u:p%0Aw@h.io:8080", "control characters"), ("http://" + "u" * 300 + ":p@h.io:1", "at most 255"),
    ("socks5://h.io:1" + "0" * 2100, "longer than"),
])
def test_refused_urls_name_the_value_field(url: object, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as refused:
        parse_proxy_url(url)
    assert refused.value.field == "value" and refused.value.status == 400


def test_an_error_never_repeats_the_password() -> None:
    for url in ("http://u:s3cr3t@h.io", "http://u:s3cr3t@h.io:8080/x", "ftp://u:s3cr3t@h.io:1",
                "http://u:s3cr3t@:8080", "http://u:s3cr3t@h.io:99999"):
        with pytest.raises(InvalidInput) as refused:
            parse_proxy_url(url)
        assert "s3cr3t" not in str(refused.value) and "s3cr3t" not in str(refused.value.body())


def test_the_password_shows_only_in_the_engine_url() -> None:
    proxy = parse_proxy_url("socks5://bob:s3cr3t%3Ap%40ss%2Fw0rd@proxy.example.com:1080")
    assert proxy.password == SECRET
    assert "s3cr3t" not in repr(proxy) and "s3cr3t" not in str(proxy)
    assert proxy.masked() == "socks5://bob:****@proxy.example.com:1080"
    assert parse_proxy_url(proxy.url()) == proxy  # what the engine gets parses back to the same proxy
    assert ProxyConfig("http", "h.io", 80).masked() == ProxyConfig("http", "h.io", 80).url() == "http://h.io:80"
    assert ProxyConfig("socks5", "::1", 9).url() == "socks5://[::1]:9"
