//! What one connection is doing: requests in flight (for the idle timeout) and request bodies
//! that stall (for the body idle timeout).

use super::streaming::BoxError;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Requests in flight on one connection, and since when it has had none.
///
/// Requests only count up and down and note the time: nothing is woken per request. The idle
/// check ([`idle`](Self::idle)) runs on a timer and looks again when it fires, so a connection
/// serving request after request costs no timer or wake-up per request.
#[derive(Debug)]
pub(crate) struct Activity {
    in_flight: AtomicUsize,
    served_any: AtomicBool,
    /// An HTTP/1.x request has been served: between requests the connection waits for a new
    /// request head, which must come within the header timeout (see [`idle`](Self::idle)).
    http1: AtomicBool,
    /// When the connection was accepted: the origin of `idle_since`.
    opened: Instant,
    /// When the last request in flight ended, in nanoseconds since `opened`.
    idle_since: AtomicU64,
}

impl Activity {
    /// A connection just accepted: idle, nothing served yet.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            served_any: AtomicBool::new(false),
            http1: AtomicBool::new(false),
            opened: Instant::now(),
            idle_since: AtomicU64::new(0),
        })
    }

    /// A request has arrived; it is in flight until the guard drops (with the response body,
    /// or with the request's future when the client gives up on it).
    pub(crate) fn begin(self: &Arc<Self>, version: http::Version) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        if version < http::Version::HTTP_2 {
            self.http1.store(true, Ordering::Relaxed);
        }
        self.served_any.store(true, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// Completes once the connection has had no request in flight for `first` (before its
    /// first request, and between requests of HTTP/1.1, whose next request head is due within
    /// the header timeout `first`) or `then` (between HTTP/2 requests, and HTTP/1.1 ones when
    /// shorter; `None`: never).
    ///
    /// This is the HTTP/1.1 header timeout too: hyper's own arms a timer for every request
    /// head (an allocation and two trips through the shared timer wheel per request), while
    /// this check costs nothing per request. A head that has not arrived in full by then
    /// closes the connection as hyper's timeout would.
    pub(crate) async fn idle(&self, first: Duration, then: Option<Duration>) {
        loop {
            let limit = if !self.served_any.load(Ordering::SeqCst) {
                Some(first)
            } else if self.http1.load(Ordering::Relaxed) {
                Some(then.map_or(first, |then| then.min(first)))
            } else {
                then
            };
            let Some(limit) = limit else { return std::future::pending().await };
            let now = Instant::now();
            // Busy: no request can end sooner than now, so no idle period can end before
            // `now + limit`; look again then. Idle: it ends `limit` after the last request.
            let deadline = if self.busy() {
                now.checked_add(limit).unwrap_or_else(far_future)
            } else {
                let since = self.opened + Duration::from_nanos(self.idle_since.load(Ordering::SeqCst));
                since.checked_add(limit).unwrap_or_else(far_future)
            };
            if deadline <= now {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// Whether a request is in flight.
    pub(crate) fn busy(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) > 0
    }
}

/// About thirty years from now: "never" for a timer.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

/// One request in flight (see [`Activity::begin`]).
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let activity = &self.0;
        // The time first: an idle check that sees no request in flight reads a time at least this late.
        let since = u64::try_from(activity.opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
        activity.idle_since.fetch_max(since, Ordering::SeqCst);
        activity.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that keeps its request in flight until it has been sent (or dropped).
pub(crate) struct Tracked<B> {
    inner: B,
    _in_flight: InFlight,
}

impl<B> Tracked<B> {
    pub(crate) fn new(inner: B, in_flight: InFlight) -> Self {
        Tracked { inner, _in_flight: in_flight }
    }
}

impl<B: Body + Unpin> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error of a request body that delivered nothing for too long.
#[derive(Debug)]
pub(crate) struct BodyIdle(pub(crate) Duration);

impl fmt::Display for BodyIdle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no request body data arrived for {} ms", self.0.as_millis())
    }
}

impl std::error::Error for BodyIdle {}

/// A request body that fails with [`BodyIdle`] when `timeout` passes without a frame.
///
/// The timer is made (and later moved) only when the body has to wait for data: a body that
/// has arrived with its request head, as most small ones have, is read without one.
pub(crate) struct IdleLimited<B> {
    inner: B,
    timeout: Duration,
    /// When the last frame arrived (at first: when reading began).
    last_frame: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<B> IdleLimited<B> {
    pub(crate) fn new(inner: B, timeout: Duration) -> Self {
        IdleLimited { inner, timeout, last_frame: Instant::now(), timer: None }
    }
}

impl<B> Body for IdleLimited<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.last_frame = Instant::now();
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                let deadline = this.last_frame.checked_add(this.timeout).unwrap_or_else(far_future);
                let timer = match &mut this.timer {
                    Some(timer) => {
                        if timer.deadline() != deadline {
                            timer.as_mut().reset(deadline);
                        }
                        timer
                    }
                    None => this.timer.insert(Box::pin(tokio::time::sleep_until(deadline))),
                };
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyIdle(this.timeout))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    const FIRST: Duration = Duration::from_millis(200);
    const THEN: Duration = Duration::from_millis(700);

    #[tokio::test]
    async fn a_connection_is_idle_only_without_requests_in_flight() {
        let activity = Activity::new();
        let started = Instant::now();
        activity.idle(FIRST, Some(THEN)).await;
        let waited = started.elapsed();
        assert!(waited >= FIRST && waited < THEN, "before the first request, the first limit: {waited:?}");
        let request = activity.begin(http::Version::HTTP_2);
        assert!(activity.busy());
        let waiting = tokio::time::timeout(THEN * 2, activity.idle(FIRST, Some(THEN)));
        assert!(waiting.await.is_err(), "never idle while a request is in flight");
        drop(request);
        assert!(!activity.busy());
        let finished = Instant::now();
        activity.idle(FIRST, Some(THEN)).await;
        let waited = finished.elapsed();
        assert!(waited >= THEN && waited < THEN * 3, "after it, the idle timeout from the end of the last request: {waited:?}");
        let never = tokio::time::timeout(THEN * 2, activity.idle(FIRST, None));
        assert!(never.await.is_err(), "no idle timeout: never idle");
    }

    #[tokio::test]
    async fn an_http1_connection_waits_for_its_next_request_head_within_the_header_timeout() {
        let activity = Activity::new();
        for then in [Some(THEN), None] {
            drop(activity.begin(http::Version::HTTP_11));
            let finished = Instant::now();
            activity.idle(FIRST, then).await;
            let waited = finished.elapsed();
            assert!(waited >= FIRST && waited < THEN, "the header timeout, not the idle timeout {then:?}: {waited:?}");
        }
    }

    #[tokio::test]
    async fn a_stalled_body_fails_after_the_timeout() {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(1);
        let body = http_body_util::StreamBody::new(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
        let mut body = IdleLimited::new(body, FIRST);
        tx.send(Ok(Frame::data(Bytes::from_static(b"a")))).await.unwrap();
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "a");
        let started = Instant::now();
        let err = body.frame().await.unwrap().unwrap_err();
        assert!(err.downcast_ref::<BodyIdle>().is_some(), "{err}");
        assert!(started.elapsed() >= FIRST);
        drop(tx);
    }
}
