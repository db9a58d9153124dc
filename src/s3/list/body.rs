//! A listing's answer as Pail reads it: the body of a successful answer taken away from the
//! SDK's decoder and read with a bound on its size and on its silences; an error answer left
//! to the SDK, but cut at a bound, as the SDK would read an endless one whole.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;

use crate::fmt::error_text;

/// Why a successful answer's body was not read whole.
pub(crate) enum BodyError {
    /// The connection broke: worth asking again.
    Broken(String),
    /// No byte for this long.
    Quiet(Duration),
    /// Past the bound.
    TooBig,
}

/// The whole body, failing once no byte has arrived for `limit`, or past `max` bytes.
pub(crate) async fn read_body(
    body: SdkBody,
    limit: Duration,
    max: u64,
) -> Result<Vec<u8>, BodyError> {
    let mut stream = aws_sdk_s3::primitives::ByteStream::new(body);
    let mut bytes = Vec::new();
    loop {
        match tokio::time::timeout(limit, stream.next()).await {
            Err(_) => return Err(BodyError::Quiet(limit)),
            Ok(None) => return Ok(bytes),
            Ok(Some(Ok(chunk))) => {
                if (bytes.len() + chunk.len()) as u64 > max {
                    return Err(BodyError::TooBig);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Some(Err(e))) => return Err(BodyError::Broken(error_text(&e))),
        }
    }
}

/// What a successful listing's body is replaced with before the SDK decodes it.
const EMPTY_LISTING: &str = "<ListBucketResult></ListBucketResult>";

/// Takes the body of a successful ListObjectsV2 answer away from the SDK's decoder, which then
/// decodes an empty listing, and keeps it for `xml.rs`. Error answers are left to
/// the SDK, so they are classified as for every other request.
#[derive(Debug, Clone, Default)]
pub(crate) struct TakeListingBody(Arc<Mutex<Option<TakenBody>>>);

/// A successful answer's body, and the length its Content-Length header announced.
#[derive(Debug)]
pub(crate) struct TakenBody {
    pub(crate) body: SdkBody,
    pub(crate) length: Option<u64>,
}

impl TakeListingBody {
    pub(crate) fn take(&self) -> Option<TakenBody> {
        self.0.lock().ok()?.take()
    }
}

impl Intercept for TakeListingBody {
    fn name(&self) -> &'static str {
        "TakeListingBody"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        if !response.status().is_success() {
            // The SDK reads an error answer whole; an error document is a few hundred bytes.
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            *response.body_mut() = SdkBody::from_body_1_x(BoundedBody {
                inner: body,
                left: MAX_ERROR_BYTES,
                limit: MAX_ERROR_BYTES,
                what: "error answer",
            });
        }
        if response.status().is_success() {
            // A length that is not a number is left to the reader's own bound.
            let length = response
                .headers()
                .get("content-length")
                .and_then(|value| value.trim().parse::<u64>().ok());
            let body = std::mem::replace(response.body_mut(), SdkBody::from(EMPTY_LISTING));
            let mut slot = self
                .0
                .lock()
                .map_err(|_| BoxError::from("the listing's body slot was poisoned"))?;
            *slot = Some(TakenBody { body, length });
        }
        Ok(())
    }
}

/// The most of an error answer to a listing that is read.
const MAX_ERROR_BYTES: u64 = 1 << 20;

/// Bounds a whole answer (success or error) that the SDK reads and decodes itself, as it would
/// read an endless one whole: for the listings Pail does not parse itself (ListObjectVersions).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoundAnswer {
    /// The most bytes read.
    pub(crate) limit: u64,
    /// What the answer is, in words: "the versions page".
    pub(crate) what: &'static str,
}

impl Intercept for BoundAnswer {
    fn name(&self) -> &'static str {
        "BoundAnswer"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        let announced = response
            .headers()
            .get("content-length")
            .and_then(|value| value.trim().parse::<u64>().ok());
        if announced.is_some_and(|length| length > self.limit) {
            return Err(BoxError::from(format!(
                "the server announced {} of {} bytes, more than the {} MiB it can take; nothing was read",
                self.what,
                announced.unwrap_or_default(),
                self.limit >> 20
            )));
        }
        let body = std::mem::replace(response.body_mut(), SdkBody::taken());
        *response.body_mut() = SdkBody::from_body_1_x(BoundedBody {
            inner: body,
            left: self.limit,
            limit: self.limit,
            what: self.what,
        });
        Ok(())
    }
}

/// A body that fails once it has gone past `left` bytes.
struct BoundedBody {
    inner: SdkBody,
    left: u64,
    /// The bound, and what the body is, for the error.
    limit: u64,
    what: &'static str,
}

impl http_body::Body for BoundedBody {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        let polled = std::pin::Pin::new(&mut this.inner).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            let length = data.len() as u64;
            if length > this.left {
                let (limit, what) = (this.limit >> 20, this.what);
                return std::task::Poll::Ready(Some(Err(BoxError::from(format!(
                    "the server's {what} went on past {limit} MiB; the rest was not read"
                )))));
            }
            this.left -= length;
        }
        polled
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
