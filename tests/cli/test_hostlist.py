"""pyipmi_tools.cli.hostlist: FreeIPMI 1.6.10 host list parsing, sorting and -C headers.

Expected values were measured with the real ipmipower (see tests/cli/test_hosts.py for
the golden comparisons that run it).
"""

from __future__ import annotations

import errno

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyipmi_tools.cli.hostlist import (
    Hostlist,
    HostlistError,
    expand,
    expand_sorted,
    is_ipv6_literal,
    ranged,
    split_ipv6_with_port,
    uniq_sorted,
)

EXPAND = [
    ("", []),
    (",", []),
    (" \t, ,", []),
    ("node[01-03]", ["node01", "node02", "node03"]),
    ("a,b c\td", ["a", "b", "c", "d"]),
    ("a,,  b", ["a", "b"]),
    ("n[1-3]:623", ["n1:623", "n2:623", "n3:623"]),
    ("foo[19]", ["foo19"]),
    ("foo[1-3", ["foo[1-3"]),                      # unclosed bracket: literal
    ("foo[1-3 x", ["foo[1-3", "x"]),
    ("n[1-]", ["n1"]),                             # empty upper bound = lower bound
    ("n[ 1]", ["n01"]),                            # strtoul skips the blank, width counts it
    ("n[\t1]", ["n01"]),
    ("n[+1-3]", ["n01", "n02", "n03"]),
    ("n[1x-3]", ["n01", "n02", "n03"]),            # junk after the lower bound is not checked
    ("n[1- 3]", ["n1", "n2", "n3"]),
    ("n[01-3]", ["n01", "n02", "n03"]),            # width from the lower bound
    ("n[1-03]", ["n1", "n2", "n3"]),
    ("n[9-11]", ["n9", "n10", "n11"]),
    ("n[1,3,5-6]", ["n1", "n3", "n5", "n6"]),
    ("n[1, 2]x", ["n1x", "n02x"]),                 # separator inside brackets
    ("a[1,2]b[3,4]", ["a1b[3", "a2b[3", "4]"]),    # FreeIPMI's tokenizer stops at the 2nd '['
    ("a[1-2]b[3-4]", ["a1b[3-4]", "a2b[3-4]"]),    # only the first bracket expands
    ("n[1]]", ["n1]"]),
    ("n]1[2]", ["n]12"]),
    ("[1-3]", ["1", "2", "3"]),
    ("[::1]:623", ["[::1]:623"]),                  # IPv6 with port: no expansion
    ("[::1]:623,[fe80::1]:1", ["[::1]:623", "[fe80::1]:1"]),
    ("zz9,zz10,zz1,z,za", ["zz9", "zz10", "zz1", "z", "za"]),
    ("n[18446744073709551615]", ["n18446744073709"]),        # 14-char suffix buffer
    ("n[99999999999999999999999]", ["n00018446744073"]),     # overflow clamps, width 23
    ("n18446744073709551615", ["n18446744073709551615"]),    # opaque name
    ("n[" + "1" * 5000 + "]", ["n00000000000000"]),           # any length saturates
    ("n" + "1" * 5000, ["n" + "1" * 5000]),
    ("x@l@y@r@", ["x[y]"]),                        # the IPv6 stand-ins are undone everywhere
    ("h+[1-3]", ["h+1", "h+2", "h+3"]),
    ("h[1-2]+[1-3]", ["h1+[1-3]", "h2+[1-3]"]),
]


@pytest.mark.parametrize(("text", "hosts"), EXPAND)
def test_expand(text: str, hosts: list[str]) -> None:
    assert expand(text) == hosts


INVALID = [
    ("n[3-1]", errno.EINVAL),
    ("n[1-16385]", errno.ERANGE),
    ("n[1-20000]", errno.ERANGE),
    ("n[-1]", errno.EINVAL),
    ("n[]", errno.EINVAL),
    ("n[ ]", errno.EINVAL),
    ("n[1,]", errno.EINVAL),
    ("n[1-2-3]", errno.EINVAL),
    ("n[1--2]", errno.EINVAL),
    ("n[1 ]", errno.EINVAL),
    ("n[a]", errno.EINVAL),
    ("n[[1]", errno.EINVAL),                     # the range text is "[1"
    ("n[1- -2]", errno.ERANGE),                  # -2 wraps to a huge unsigned long
    ("[::1]", errno.EINVAL),                     # no port: brackets are a range
    ("x,[::1]:abc", errno.EINVAL),
    ("[zz]:623", errno.EINVAL),
    ("a,n[3-1],b", errno.EINVAL),
    ("n[0-18446744073709551615]", errno.ENOENT),  # counts as 0 hosts: stale errno
    ("n[" + ",".join(str(i) for i in range(10241)) + "]", errno.ENOENT),
]


@pytest.mark.parametrize(("text", "code"), INVALID, ids=lambda v: str(v)[:30])
def test_invalid_lists(text: str, code: int) -> None:
    with pytest.raises(HostlistError) as info:
        expand(text)
    assert info.value.errno == code
    assert info.value.text == text


def test_error_strerror() -> None:
    with pytest.raises(HostlistError) as info:
        expand("n[1-20000]")
    assert info.value.strerror == "Numerical result out of range"


def test_range_limits() -> None:
    assert len(expand("n[1-16384]")) == 16384
    assert len(Hostlist("n[1-16384]")) == 16384
    assert len(expand("n[" + ",".join(str(i) for i in range(10240)) + "]")) == 10240


def test_push_counts_and_keeps_earlier_tokens() -> None:
    hl = Hostlist()
    assert hl.push("a,b[1-3]") == 4
    assert hl.push("") == 0
    with pytest.raises(HostlistError):
        hl.push("c,d[3-1]")
    assert hl.hosts() == ["a", "b1", "b2", "b3", "c"]


SORTED = [
    ("zz9,zz10,zz1,z,za", ["z", "za", "zz1", "zz9", "zz10"]),
    ("node1,node01,node2", ["node1", "node2", "node01"]),     # padding groups by width
    ("n1[0-2],n13", ["n13", "n10", "n11", "n12"]),           # prefix "n1" sorts after "n"
    ("n1[0-2],n10", ["n10", "n10", "n11", "n12"]),           # ... and is not a duplicate
    ("n1:623,n1:623", ["n1:623"]),
    ("n[1-5],n[3-8],n2", ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"]),
    ("b,a,a,c1,c", ["a", "b", "c", "c1"]),
    ("n[09-10],n8", ["n8", "n09", "n10"]),
    ("1,10,2", ["1", "2", "10"]),
    ("node100,node1,node001", ["node1", "node001", "node100"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "hosts"), SORTED)
def test_expand_sorted(text: str, hosts: list[str]) -> None:
    assert expand_sorted(text) == hosts


def test_uniq_sorted_reparses_names() -> None:
    assert uniq_sorted(["n2", "n1", "n2", "m"]) == ["m", "n1", "n2"]
    assert uniq_sorted(["n10", "n11", "n12", "n13"]) == ["n10", "n11", "n12", "n13"]
    assert uniq_sorted(expand("n1[0-2]") + ["n10"]) == ["n10", "n11", "n12"]
    assert uniq_sorted([]) == []


RANGED = [
    ([], ""),
    (["node"], "node"),
    (["node7"], "node7"),
    (["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.10"], "127.0.0.[2-4,10]"),
    (["node1", "node2", "node3", "node10", "bmc-a", "bmc-b"], "bmc-a,bmc-b,node[1-3,10]"),
    (["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"], "127.0.0.[1,1-3]"),
    (["node1", "node2", "node2", "node3"], "node[1-2,2-3]"),
    (["127.0.0.3", "localhost", "127.0.0.4", "localhost", "127.0.0.1", "localhost"],
     "127.0.0.[1,3-4],localhost,localhost,localhost"),
    (["fe80::1", "fe80::2", "::1"], "::1,fe80::[1-2]"),
    (["node01", "node02", "node1"], "node[1,01-02]"),
    (["n9", "n10"], "n[9-10]"),
    (["n09", "n10"], "n[09-10]"),
    (["n10", "n9", "n8"], "n[8-10]"),
    (["node", "node1", "node1a"], "node,node1,node1a"),
    (["a1b2c[3]"], "a1b2c3"),          # pushed as list text: the bracket expands here
    (["n2", "n1", "n3", "n2"], "n[1-2,2-3]"),  # sort keeps the duplicate; collapse joins pairs
]


@pytest.mark.parametrize(("hosts", "text"), RANGED)
def test_ranged(hosts: list[str], text: str) -> None:
    assert ranged(hosts) == text


def test_ranged_rejects_bad_names() -> None:
    with pytest.raises(HostlistError) as info:
        ranged(["ok", "x,[::1]"])
    assert info.value.errno == errno.EINVAL


def test_ranged_buffer_limit() -> None:
    assert len(ranged(["localhost"] * 6553)) == 6553 * 10 - 1
    with pytest.raises(HostlistError) as info:
        ranged(["localhost"] * 6554)
    assert info.value.strerror == "Success"


def test_sort_keeps_duplicates_uniq_drops_them() -> None:
    hl = Hostlist("n3,n1,n2,n1")
    hl.sort()
    assert hl.ranged_string() == "n[1,1-3]"
    assert hl.hosts() == ["n1", "n1", "n2", "n3"]
    hl = Hostlist("n3,n1,n2,n1")
    hl.uniq()
    assert hl.ranged_string() == "n[1-3]"


def test_ipv6_helpers() -> None:
    assert is_ipv6_literal("::1")
    assert is_ipv6_literal("fe80::1:623")
    assert not is_ipv6_literal("fe80::1%eth0")   # inet_pton rejects scope ids
    assert not is_ipv6_literal("127.0.0.1")
    assert split_ipv6_with_port("[::1]:623") == ("::1", "623")
    assert split_ipv6_with_port("[::1]:") is None
    assert split_ipv6_with_port("[::1]:6x") is None
    assert split_ipv6_with_port("[::1]") is None
    assert split_ipv6_with_port("[zz]:623") is None
    assert split_ipv6_with_port("x[::1]:623") is None



def _tokenized(text: str) -> Hostlist:
    """``text`` parsed through the tokenizers: a trailing separator keeps push() off its plain-name path."""
    return Hostlist(text + ",")


@given(st.lists(st.text(alphabet="ab.:-0123456789[],@ \t", max_size=16), max_size=6))
@settings(max_examples=600, deadline=None)
def test_plain_names_push_as_the_tokenizers_would(names):
    direct, tokenized = Hostlist(), Hostlist()
    for name in names:
        try:
            expected = tokenized.push(name + ",")
        except HostlistError as err:
            with pytest.raises(HostlistError) as raised:
                direct.push(name)
            assert raised.value.errno == err.errno
            continue
        assert direct.push(name) == expected
    assert direct.hosts() == tokenized.hosts()
    direct.uniq()
    tokenized.uniq()
    assert direct.hosts() == tokenized.hosts()


@pytest.mark.parametrize("name", ["node007", "n000000000000000001", "10.0.0.1:623", "x", "123",
                                  "n" + "9" * 30, "a@l@b", "[::1]:623", "n[1-3]"])
def test_plain_name_edge_cases(name):
    assert Hostlist(name).hosts() == _tokenized(name).hosts()
