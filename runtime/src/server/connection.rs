//! What one connection is doing: requests in flight (for the idle timeout) and request bodies
//! that stall (for the body idle timeout).

use super::streaming::BoxError;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// Requests in flight on one connection, and since when it has had none.
#[derive(Debug)]
pub(crate) struct Activity {
    in_flight: AtomicUsize,
    served_any: AtomicBool,
    idle_since: Mutex<Instant>,
    changed: Notify,
}

impl Activity {
    /// A connection just accepted: idle, nothing served yet.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            served_any: AtomicBool::new(false),
            idle_since: Mutex::new(Instant::now()),
            changed: Notify::new(),
        })
    }

    /// A request has arrived; it is in flight until the guard drops (with the response body,
    /// or with the request's future when the client gives up on it).
    pub(crate) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.served_any.store(true, Ordering::SeqCst);
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// Completes once the connection has had no request in flight for `first` (before its
    /// first request) or `then` (after it; `None`: never).
    pub(crate) async fn idle(&self, first: Duration, then: Option<Duration>) {
        loop {
            // `notify_one` keeps a permit when no one waits, so a change between the check
            // below and the wait is not missed.
            let deadline = if self.in_flight.load(Ordering::SeqCst) > 0 {
                None
            } else {
                let limit = if self.served_any.load(Ordering::SeqCst) { then } else { Some(first) };
                let since = *self.idle_since.lock().unwrap_or_else(|p| p.into_inner());
                limit.map(|limit| since.checked_add(limit).unwrap_or_else(far_future))
            };
            match deadline {
                Some(deadline) if deadline <= Instant::now() => return,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {}
                        () = self.changed.notified() => {}
                    }
                }
                None => self.changed.notified().await,
            }
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
        if activity.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            *activity.idle_since.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        }
        activity.changed.notify_one();
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
pub(crate) struct IdleLimited<B> {
    inner: B,
    timeout: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<B> IdleLimited<B> {
    pub(crate) fn new(inner: B, timeout: Duration) -> Self {
        let deadline = Instant::now().checked_add(timeout).unwrap_or_else(far_future);
        IdleLimited { inner, timeout, timer: Box::pin(tokio::time::sleep_until(deadline)) }
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
                let deadline = Instant::now().checked_add(this.timeout).unwrap_or_else(far_future);
                this.timer.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyIdle(this.timeout))))),
                Poll::Pending => Poll::Pending,
            },
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
        let request = activity.begin();
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
