#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Query a running espgw (or any DPDK 22.11 primary) on its telemetry socket.

    telemetry.py PREFIX COMMAND [KEY ...]

PREFIX is the EAL --file-prefix; COMMAND is e.g. /espgw/stats,total. Prints
the command's value as JSON (without the {"COMMAND": ...} wrapper), or, with
KEYs, the member they lead to (dict keys, or list indexes), a string or number
printed bare. Exit status 1 when the socket or a key is missing.

The protocol is DPDK's v2 telemetry (doc/guides/howto/telemetry.rst): a
SOCK_SEQPACKET socket at <runtime dir>/dpdk_telemetry.v2 that greets with a
JSON banner (version, pid, max_output_len), then answers one JSON message per
command. This is what dpdk-telemetry.py does, without its interactive mode.
Also importable: query(prefix, command) returns the value.
"""
import json
import os
import socket
import sys


def socket_path(prefix):
    # EAL's runtime dir: /var/run/dpdk/PREFIX as root, else XDG_RUNTIME_DIR or /tmp
    if os.getuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix, "dpdk_telemetry.v2")


def query(prefix, command, timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    try:
        s.connect(socket_path(prefix))
        banner = json.loads(s.recv(1024).decode())
        s.send(command.encode())
        reply = json.loads(s.recv(int(banner["max_output_len"])).decode())
    finally:
        s.close()
    # the reply is {"COMMAND": value}; the key is the command without params
    return reply[command.split(",", 1)[0]]


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    try:
        v = query(argv[1], argv[2])
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write("telemetry.py: %s %s: %s\n" % (argv[1], argv[2], e))
        return 1
    for k in argv[3:]:
        try:
            v = v[int(k)] if isinstance(v, list) else v[k]
        except (KeyError, IndexError, ValueError, TypeError):
            sys.stderr.write("telemetry.py: %s: no key %r\n" % (argv[2], k))
            return 1
    print(v if isinstance(v, (str, int, float)) else json.dumps(v, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
