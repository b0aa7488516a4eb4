//! HTTP/2 settings and the limits that keep one client from exhausting the server.

use std::time::Duration;

/// The largest flow-control window HTTP/2 allows (2^31 - 1).
const MAX_WINDOW: u32 = (1 << 31) - 1;
/// The initial window of every HTTP/2 connection (64 KiB - 1); a connection window cannot be
/// announced smaller.
const PROTOCOL_WINDOW: u32 = 65_535;
/// The smallest stream window and send buffer taken: one default-sized frame (16 KiB). Less
/// (zero above all) would stall every body for good rather than bound memory.
const MIN_BUFFER: u32 = 16_384;
/// The frame size every HTTP/2 peer must accept, and the smallest one a peer may announce.
const MIN_FRAME_SIZE: u32 = 16_384;
/// The largest frame size HTTP/2 allows (2^24 - 1).
const MAX_FRAME_SIZE: u32 = (1 << 24) - 1;
/// The longest timer handed to hyper, which adds durations to `Instant`s unchecked (a
/// `Duration::MAX` would panic there): a year is "never" for a connection.
const LONGEST_TIMER: Duration = Duration::from_secs(365 * 24 * 3600);

/// `duration`, at most a year: safe to add to an `Instant`.
pub(crate) fn bounded(duration: Duration) -> Duration {
    duration.min(LONGEST_TIMER)
}

/// HTTP/2 settings of the server ([`ServerConfig::http2`](super::ServerConfig::http2)).
///
/// HTTP/2 arrives as h2c with prior knowledge on a plain listener (the client opens with the
/// `PRI * HTTP/2.0` preface) or as `h2` chosen by ALPN over TLS. Each limit bounds what one
/// connection can make the server hold or do; the defaults suit an AWS-style data plane
/// (requests of a few MB, long-lived streams of events):
///
/// | setting | default | past it |
/// |---|---|---|
/// | [`max_concurrent_streams`](Self::max_concurrent_streams) | 100 | a further stream is refused (`RST_STREAM REFUSED_STREAM`) |
/// | [`max_header_list_size`](Self::max_header_list_size) | 16 KiB | the request gets 431, a header block growing past it is a connection error |
/// | [`max_frame_size`](Self::max_frame_size) | 16 KiB | a larger frame is a connection error (`GOAWAY FRAME_SIZE_ERROR`) |
/// | [`initial_stream_window_size`](Self::initial_stream_window_size) | 1 MiB | the client waits until the handler reads (flow control) |
/// | [`initial_connection_window_size`](Self::initial_connection_window_size) | 2 MiB | the same, over all streams of a connection |
/// | [`max_send_buffer_size`](Self::max_send_buffer_size) | 400 KiB | a response body waits until the client reads |
/// | [`keep_alive_interval`](Self::keep_alive_interval) / [`keep_alive_timeout`](Self::keep_alive_timeout) | 30 s / 20 s | a peer that does not answer a PING is disconnected |
/// | [`max_pending_accept_reset_streams`](Self::max_pending_accept_reset_streams) | 20 | rapid reset: `GOAWAY ENHANCE_YOUR_CALM` |
/// | [`max_local_error_reset_streams`](Self::max_local_error_reset_streams) | 1024 | too many stream errors caused by the client: `GOAWAY ENHANCE_YOUR_CALM` |
///
/// Values outside what works are brought within it rather than refused: frame size 16 KiB to
/// 16 MiB - 1, stream window and send buffer at least 16 KiB (less would stall bodies for good),
/// connection window at least 64 KiB - 1 (the protocol's initial one), windows at most
/// 2^31 - 1, durations longer than a year count as a year.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Http2Config {
    /// Serve HTTP/2 at all (`true`). Off: the listener speaks HTTP/1.1 only, and TLS offers
    /// only `http/1.1` by ALPN.
    pub enabled: bool,
    /// Streams one connection may have open at once (100, the least RFC 9113 recommends).
    /// Announced in SETTINGS; a client opening more gets `REFUSED_STREAM` for each extra one.
    pub max_concurrent_streams: u32,
    /// The largest request header block, decoded, in bytes (16 KiB; HTTP/2 counts each
    /// header as name + value + 32). A request over it is answered 431 without reaching a
    /// handler; a header block that keeps growing (CONTINUATION flood) ends the connection.
    pub max_header_list_size: u32,
    /// The largest frame the client may send, in bytes (16 KiB, the HTTP/2 default).
    pub max_frame_size: u32,
    /// Request body bytes a stream may have in flight before the handler reads them (1 MiB):
    /// a handler that reads slowly makes its client wait, so unread data never exceeds this.
    pub initial_stream_window_size: u32,
    /// The same over all streams of one connection (2 MiB).
    pub initial_connection_window_size: u32,
    /// Response bytes buffered per stream for a client that reads slowly (400 KiB); a
    /// streaming response body is polled for more only when there is room.
    pub max_send_buffer_size: usize,
    /// How often an HTTP/2 connection is PINGed to see that the peer is still there (30 s;
    /// `None`: never). Dead peers of long-lived streams are found this way.
    pub keep_alive_interval: Option<Duration>,
    /// How long a PING may go unanswered before the connection is closed (20 s).
    pub keep_alive_timeout: Duration,
    /// Streams the client may reset before the server has accepted them, at once (20):
    /// past it the connection ends with `GOAWAY ENHANCE_YOUR_CALM` (the "rapid reset" attack,
    /// CVE-2023-44487).
    pub max_pending_accept_reset_streams: usize,
    /// Streams the server may reset because of the client's protocol errors, over the life of
    /// a connection (1024): past it, `GOAWAY ENHANCE_YOUR_CALM` ("MadeYouReset",
    /// CVE-2025-8671).
    pub max_local_error_reset_streams: usize,
}

impl Default for Http2Config {
    fn default() -> Self {
        Http2Config {
            enabled: true,
            max_concurrent_streams: 100,
            max_header_list_size: 16 * 1024,
            max_frame_size: MIN_FRAME_SIZE,
            initial_stream_window_size: 1024 * 1024,
            initial_connection_window_size: 2 * 1024 * 1024,
            max_send_buffer_size: 400 * 1024,
            keep_alive_interval: Some(Duration::from_secs(30)),
            keep_alive_timeout: Duration::from_secs(20),
            max_pending_accept_reset_streams: 20,
            max_local_error_reset_streams: 1024,
        }
    }
}

impl Http2Config {
    /// The frame size to announce, within what HTTP/2 allows.
    pub(crate) fn frame_size(&self) -> u32 {
        self.max_frame_size.clamp(MIN_FRAME_SIZE, MAX_FRAME_SIZE)
    }

    /// A stream window of 16 KiB to 2^31 - 1.
    pub(crate) fn stream_window(&self) -> u32 {
        self.initial_stream_window_size.clamp(MIN_BUFFER, MAX_WINDOW)
    }

    /// A connection window of 64 KiB - 1 (the protocol's initial one) to 2^31 - 1.
    pub(crate) fn connection_window(&self) -> u32 {
        self.initial_connection_window_size.clamp(PROTOCOL_WINDOW, MAX_WINDOW)
    }

    /// The send buffer, 16 KiB to what hyper accepts (a `u32`).
    pub(crate) fn send_buffer(&self) -> usize {
        self.max_send_buffer_size.clamp(MIN_BUFFER as usize, u32::MAX as usize)
    }

    /// The keep-alive interval; zero means none.
    pub(crate) fn ping_interval(&self) -> Option<Duration> {
        self.keep_alive_interval.filter(|d| !d.is_zero()).map(bounded)
    }

    /// The keep-alive timeout, at most a year.
    pub(crate) fn ping_timeout(&self) -> Duration {
        bounded(self.keep_alive_timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_the_protocol_are_brought_within_it() {
        let mut c = Http2Config::default();
        assert_eq!((c.frame_size(), c.stream_window(), c.connection_window()), (16_384, 1 << 20, 2 << 20));
        c.max_frame_size = 1;
        c.initial_stream_window_size = u32::MAX;
        c.initial_connection_window_size = u32::MAX;
        c.max_send_buffer_size = usize::MAX;
        c.keep_alive_interval = Some(Duration::ZERO);
        assert_eq!(c.frame_size(), 16_384);
        assert_eq!((c.stream_window(), c.connection_window()), (MAX_WINDOW, MAX_WINDOW));
        assert_eq!(c.send_buffer(), u32::MAX as usize);
        assert_eq!(c.ping_interval(), None);
        c.initial_stream_window_size = 0;
        c.initial_connection_window_size = 0;
        c.max_send_buffer_size = 0;
        assert_eq!((c.stream_window(), c.connection_window(), c.send_buffer()), (16_384, 65_535, 16_384));
        assert_eq!(c.ping_interval(), None);
        c.max_frame_size = u32::MAX;
        assert_eq!(c.frame_size(), MAX_FRAME_SIZE);
        c.keep_alive_interval = Some(Duration::MAX);
        c.keep_alive_timeout = Duration::MAX;
        assert_eq!((c.ping_interval(), c.ping_timeout()), (Some(LONGEST_TIMER), LONGEST_TIMER));
        let _ = std::time::Instant::now() + c.ping_timeout();
    }
}
