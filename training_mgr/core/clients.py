"""Who a request comes from, for the rate limits: the client's address, IPv6 clients by their /64 network."""
import ipaddress

from flask import request

#: an IPv6 client is usually given a whole /64 (RFC 6177, RFC 7421) and can pick any address in it at will,
#: so counting per full address would give it 2**64 fresh allowances
IPV6_PREFIX = 64


def client_address() -> str:
    """The key of the client: its IPv4 address, or its IPv6 /64 network in CIDR form (``2001:db8:1:2::/64``).

    ``request.remote_addr`` is already the client's real address when PROXY_COUNT proxies are trusted
    (``core.security.init_app`` installs ProxyFix); anything that is not an address is used as it is.
    """
    raw = request.remote_addr or "127.0.0.1"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
