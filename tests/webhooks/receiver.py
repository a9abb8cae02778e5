"""A stand-alone webhook receiver for the tests, in its own process (Python's http.server).

    python tests/webhooks/receiver.py --secret S --log received.jsonl --port-file port.txt

It checks each POST's ``X-RiskDesk-Signature`` (HMAC-SHA256 of "<timestamp>.<body>" with
the shared secret) and that ``X-RiskDesk-Timestamp`` is at most ``--max-age`` seconds from
its own clock, answers 401 when either is wrong, and appends what it received to the
JSON-lines log. ``POST /_control`` with {"fail": N} makes it answer 500 to the next N
webhooks (then 200 again); stopping the process is "down".
"""

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, timestamp: str, body: bytes, header: str, *, max_age: float) -> str:
    """'' when the request is authentic and fresh, else why not."""
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, header or ""):
        return "bad signature"
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return "bad timestamp"
    return "" if age <= max_age else "stale timestamp"


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_control":
            with self.server.lock:
                self.server.fail = int(json.loads(body or b"{}").get("fail", 0))
            return self.answer(200, {"fail": self.server.fail})
        problem = verify(self.server.secret, self.headers.get("X-RiskDesk-Timestamp", ""), body,
                         self.headers.get("X-RiskDesk-Signature", ""),
                         max_age=self.server.max_age)
        with self.server.lock:
            status = 401 if problem else 500 if self.server.fail > 0 else 200
            if status == 500:
                self.server.fail -= 1
            record = {"path": self.path, "status": status, "problem": problem,
                      "event": self.headers.get("X-RiskDesk-Event"),
                      "delivery": self.headers.get("X-RiskDesk-Delivery"),
                      "body": json.loads(body) if body else None}
            with open(self.server.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.answer(status, {"ok": status == 200, "problem": problem})

    def answer(self, status, data):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # quiet
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--max-age", type=float, default=300)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.secret, server.log_path, server.max_age = args.secret, args.log, args.max_age
    server.fail, server.lock = 0, threading.Lock()
    with open(args.port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))

    os.replace(args.port_file + ".tmp", args.port_file)  # the fixture reads it whole
    server.serve_forever()


if __name__ == "__main__":
    main()
