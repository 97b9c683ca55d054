"""HTTP/1.1 framing of the live server (web/http11.py) at the byte level, over a raw socket: the body of
a request whose upgrade offer is declined, pipelined requests after it, and the bound on the head."""

from __future__ import annotations

import json
import select
import socket
import time
import urllib.parse
from dataclasses import dataclass

import pytest

from asmk_graph.web.http11 import MAX_HEAD, MAX_QUEUED


@pytest.fixture(scope="module")
def address(live_servers: object) -> tuple[str, int]:
    url = urllib.parse.urlsplit(live_servers.url("oxigraph"))  # type: ignore[attr-defined]
    assert url.hostname is not None and url.port is not None
    return url.hostname, url.port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One TCP connection: sends bytes as given (each part its own write) and reads whole answers."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.received = b""

    def send(self, *parts: bytes) -> None:
        for part in parts:
            self.sock.sendall(part)
            time.sleep(0.05)  # each part arrives in a read of its own

    def answer(self) -> Answer:
        head = self._until(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, value in (field.split(":", 1) for field in fields)}
        body = self._exactly(int(headers["content-length"]))
        return Answer(int(status_line.split()[1]), headers, body)

    def answered(self) -> bool:
        return bool(select.select([self.sock], [], [], 0)[0])

    def closed(self) -> bool:
        """Whether the server closed the connection with nothing more to read (a reset counts as closed)."""
        if self.received:
            return False
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError:
            return True
        self.received += data
        return data == b""

    def send_until_answered(self, part: bytes, most: int) -> None:
        """Send part again and again (each its own read) until the server answers, at most `most` bytes."""
        sent = 0
        while sent < most and not self.answered():
            try:
                self.send(part)
            except (BrokenPipeError, ConnectionResetError):
                return
            sent += len(part)

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.received:
            self._read()
        head, self.received = self.received.split(marker, 1)
        return head

    def _exactly(self, size: int) -> bytes:
        while len(self.received) < size:
            self._read()
        taken, self.received = self.received[:size], self.received[size:]
        return taken

    def _read(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError(f"the server closed the connection; unread: {self.received!r}")
        self.received += data

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_: object) -> None:
        self.sock.close()


H2C_OFFER = b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"


def post_head(framing: bytes, offer: bytes = H2C_OFFER) -> bytes:
    return (
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/sparql-query\r\n" + offer + framing + b"\r\n"
    )


def query(number: int) -> bytes:
    return f"SELECT ?n WHERE {{ BIND({number} AS ?n) }}".encode()


def content_length(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n" % len(body)


def value(answer: Answer) -> str:
    assert answer.status == 200, answer
    return str(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def test_a_declined_h2c_offer_keeps_its_body_the_connection_and_what_follows(address: tuple[str, int]) -> None:
    first, second = query(41), query(42)
    with Connection(address) as connection:
        # the first body arrives in two reads; the second request follows in the same read as its end
        connection.send(
            post_head(content_length(first)), first[:10], first[10:] + post_head(content_length(second)) + second
        )
        assert [value(connection.answer()), value(connection.answer())] == ["41", "42"]
        connection.send(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")  # the connection is still open
        assert connection.answer().status == 200


def test_a_declined_h2c_offer_with_a_chunked_body_is_answered_then_the_connection_closes(
    address: tuple[str, int],
) -> None:
    body = query(43)
    with Connection(address) as connection:
        chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (7, body[:7], len(body) - 7, body[7:])
        connection.send(post_head(b"Transfer-Encoding: chunked\r\n"), chunked[:12], chunked[12:])
        answer = connection.answer()
        assert value(answer) == "43"
        assert answer.headers.get("connection") == "close"
        assert connection.closed()


def test_a_bad_chunk_after_a_declined_offer_is_answered_400(address: tuple[str, int]) -> None:
    with Connection(address) as connection:
        connection.send(post_head(b"Transfer-Encoding: chunked\r\n") + b"zz\r\nnot a chunk\r\n")
        answer = connection.answer()
        assert answer.status == 400 and b"chunked" in answer.body


def test_a_declined_offer_without_a_body_and_a_request_pipelined_after_it(address: tuple[str, int]) -> None:
    with Connection(address) as connection:
        get = b"GET /health HTTP/1.1\r\nHost: localhost\r\n"
        connection.send(get + H2C_OFFER + b"\r\n" + get + b"\r\n")
        assert [connection.answer().status, connection.answer().status] == [200, 200]


def test_the_head_is_bounded(address: tuple[str, int]) -> None:
    for size, status in [(MAX_HEAD - 1024, 200), (MAX_HEAD + 1, 431)]:
        with Connection(address) as connection:
            # the padding comes in small reads, as a slow client would send it
            padding = b"X-Padding: " + b"p" * size + b"\r\n"
            connection.send(
                b"GET /health HTTP/1.1\r\nHost: localhost\r\n", padding[: size // 2], padding[size // 2 :] + b"\r\n"
            )
            answer = connection.answer()
            assert answer.status == status, (size, answer)
            if status == 431:
                assert str(MAX_HEAD).encode() in answer.body
                assert connection.closed()


def test_a_field_that_never_ends_is_refused_once_it_is_too_long(address: tuple[str, int]) -> None:
    with Connection(address) as connection:
        connection.send(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Endless: ")
        connection.send_until_answered(b"e" * 2048, most=4 * MAX_HEAD)  # never a line end
        answer = connection.answer()
        assert answer.status == 431 and connection.closed()


def test_a_trailer_that_never_ends_is_refused(address: tuple[str, int]) -> None:
    body = query(44)
    with Connection(address) as connection:
        connection.send(
            post_head(b"Transfer-Encoding: chunked\r\n", offer=b""), b"%x\r\n%s\r\n0\r\nX-Endless: " % (len(body), body)
        )
        connection.send_until_answered(b"t" * 2048, most=4 * MAX_HEAD)
        answer = connection.answer()
        assert answer.status == 431 and connection.closed()


def test_only_chunked_is_accepted_with_an_upgrade_offer(address: tuple[str, int]) -> None:
    """Without this, the body of `Transfer-Encoding: gzip` would be parsed as a request of its own."""
    with Connection(address) as connection:
        smuggled = b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
        connection.send(post_head(b"Transfer-Encoding: gzip\r\n") + smuggled)
        answer = connection.answer()
        assert answer.status == 400 and b"Transfer-Encoding" in answer.body
        assert connection.closed()


def test_what_follows_the_last_chunk_of_a_declined_offer_is_not_parsed(address: tuple[str, int]) -> None:
    body = query(45)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    for after in [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n",
        b"GET /a HTTP/1.1\r\nHo",
    ]:
        with Connection(address) as connection:
            connection.send(post_head(b"Transfer-Encoding: chunked\r\n") + chunked + after)
            assert value(connection.answer()) == "45", after
            assert connection.closed(), after


def test_a_bad_request_pipelined_after_a_good_one_does_not_cut_into_its_answer(address: tuple[str, int]) -> None:
    with Connection(address) as connection:
        too_long = b"GET /health HTTP/1.1\r\nX-Padding: " + b"p" * (MAX_HEAD + 1) + b"\r\n\r\n"
        connection.send(post_head(content_length(query(46)), offer=b"") + query(46) + too_long)
        assert value(connection.answer()) == "46"
        assert connection.closed()


def test_a_body_and_a_pipelined_request_across_reads_are_not_taken_for_an_unfinished_head(
    address: tuple[str, int],
) -> None:
    body = query(47) + b" #" + b"x" * (2 * MAX_HEAD)  # longer than the head bound, in the read that ends the head
    head = post_head(content_length(body), offer=b"")
    cut = head.index(b"Content-Length") + 10
    with Connection(address) as connection:
        connection.send(head[:cut], head[cut:] + body + b"GET /health HTTP/1.1\r\nHo", b"st: localhost\r\n\r\n")
        assert value(connection.answer()) == "47"
        assert connection.answer().status == 200


def test_a_declined_offer_with_a_zero_length_written_00_is_answered_at_once(address: tuple[str, int]) -> None:
    with Connection(address) as connection:  # the application reads the (empty) body: it must not wait for more
        connection.send(post_head(b"Content-Length: 00\r\n"))
        answer = connection.answer()
        assert answer.status == 400 and b"query" in answer.body.lower(), answer


def test_a_bad_body_of_a_queued_request_is_answered_in_its_turn(address: tuple[str, int]) -> None:
    first = (
        b"GET /sparql?query=" + urllib.parse.quote(query(48).decode()).encode() + b" HTTP/1.1\r\nHost: localhost\r\n"
    )
    first += b"Accept: application/sparql-results+json\r\n\r\n"
    with Connection(address) as connection:  # one read: the POST waits for its turn while its chunk is bad
        connection.send(first + post_head(b"Transfer-Encoding: chunked\r\n", offer=b"") + b"zz\r\n")
        assert value(connection.answer()) == "48"
        assert connection.answer().status == 400
        assert connection.closed()


def test_a_chunked_body_whose_reads_end_after_size_lines_is_not_taken_for_trailers(address: tuple[str, int]) -> None:
    size = 4096
    body = query(49) + b" #" + b"x" * (7 * size - len(query(49)) - 2)
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    reads = [post_head(b"Transfer-Encoding: chunked\r\n", offer=b"") + b"%x\r\n" % size]
    reads += [part + b"\r\n%x\r\n" % size for part in parts[:-1]] + [parts[-1] + b"\r\n0\r\n\r\n"]
    with Connection(address) as connection:
        connection.send(*reads)
        assert value(connection.answer()) == "49"


def test_a_bad_request_after_an_answer_given_before_its_body_was_read_is_answered(address: tuple[str, int]) -> None:
    with Connection(address) as connection:  # /health answers without reading the body it was sent
        connection.send(
            b"GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n", b"hello", b"GARBAGE\r\n\r\n"
        )
        assert [connection.answer().status, connection.answer().status] == [200, 400]
        assert connection.closed()


def test_pipelined_requests_wait_in_a_bounded_queue(address: tuple[str, int]) -> None:
    with Connection(address) as connection:
        connection.send(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n" * (MAX_QUEUED + 20))  # one read
        answers = []
        while not connection.closed():
            answers.append(connection.answer().status)
        assert answers == [200] * (MAX_QUEUED + 1)  # the one running and those queued; then it closed


WEBSOCKET_OFFER = (
    b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
)


def test_a_websocket_offer_is_declined_and_answered_as_plain_http(address: tuple[str, int]) -> None:
    body = query(51)
    with Connection(address) as connection:
        connection.send(post_head(content_length(body), offer=WEBSOCKET_OFFER) + body)
        assert value(connection.answer()) == "51"  # not 101 Switching Protocols, not 403
        connection.send(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert connection.answer().status == 200


def test_a_websocket_offer_pipelined_behind_a_request_is_answered_in_its_turn(address: tuple[str, int]) -> None:
    offer = b"GET /health HTTP/1.1\r\nHost: localhost\r\n" + WEBSOCKET_OFFER + b"\r\n"
    with Connection(address) as connection:
        connection.send(post_head(content_length(query(52)), offer=b"") + query(52) + offer)
        assert value(connection.answer()) == "52"
        assert connection.answer().status == 200  # the query before it got the WebSocket's 403 when uvicorn upgraded
