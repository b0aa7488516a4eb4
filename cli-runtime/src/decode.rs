//! `--decode lines|sse|json`: a streamed output's blob data written one decoded item per line.
//!
//! Offered on commands whose output event stream has blob data (the generator's rule, see
//! `BlobDataEvent` in the generator's IR): the data of those events goes through one of the
//! runtime's decoders (`smithygen_runtime::decode`) and each item is written to the outfile as
//! soon as it is complete, flushed: a line as it is, a Server-Sent Event's data, a JSON value
//! printed compactly. The last item is written when the stream ends without a final newline;
//! an item the decoder refuses (over 1 MiB, not UTF-8, not JSON) ends the command with exit 255.

use crate::CliError;
use clap::{Arg, ArgMatches};
use smithygen_runtime::decode::{DecodeError, Decoder, JsonDecoder, LineDecoder, SseDecoder};
use std::collections::VecDeque;

/// The option's id and long name.
pub const OPTION: &str = "decode";

/// `--decode`, for commands that offer it.
pub fn arg() -> Arg {
    Arg::new(OPTION)
        .long(OPTION)
        .value_name("FORMAT")
        .value_parser(["lines", "sse", "json"])
        .help(
            "Decodes the streamed data and writes one item per line to the outfile as it arrives: `lines` \
             (JSON Lines / NDJSON: each complete line), `sse` (Server-Sent Events: each event's data), \
             `json` (concatenated or newline-separated JSON values, each printed compactly).",
        )
}

/// The decoder `--decode` chose, if the command has the option and it was given.
pub fn from_matches(m: &ArgMatches) -> Option<StreamDecoder> {
    let format = m.try_get_one::<String>(OPTION).ok().flatten()?;
    Some(match format.as_str() {
        "lines" => StreamDecoder::Lines(LineDecoder::default()),
        "sse" => StreamDecoder::Sse(SseDecoder::default()),
        _ => StreamDecoder::Json(JsonDecoder::default()),
    })
}

/// One of the runtime's decoders, writing its items as lines.
#[derive(Debug)]
pub enum StreamDecoder {
    /// `--decode lines`.
    Lines(LineDecoder),
    /// `--decode sse`.
    Sse(SseDecoder),
    /// `--decode json`.
    Json(JsonDecoder),
}

impl StreamDecoder {
    /// Feeds `part` (or, with `None`, the end of the stream) and writes every completed item,
    /// each followed by a newline, with `write`.
    pub fn feed(&mut self, part: Option<&[u8]>, mut write: impl FnMut(&[u8]) -> Result<(), CliError>) -> Result<(), CliError> {
        fn run<D: Decoder>(d: &mut D, part: Option<&[u8]>, write: &mut dyn FnMut(D::Item) -> Result<(), CliError>) -> Result<(), CliError> {
            let mut items = VecDeque::new();
            let fed = match part {
                Some(part) => d.feed(part, &mut items),
                None => d.finish(&mut items),
            };
            // Items completed before a failure are written before it is reported.
            for item in items {
                write(item)?;
            }
            fed.map_err(decode_error)
        }
        match self {
            StreamDecoder::Lines(d) => run(d, part, &mut |line: String| write(format!("{line}\n").as_bytes())),
            StreamDecoder::Sse(d) => run(d, part, &mut |event| write(format!("{}\n", event.data).as_bytes())),
            StreamDecoder::Json(d) => run(d, part, &mut |value| write(format!("{value}\n").as_bytes())),
        }
    }
}

fn decode_error(e: DecodeError) -> CliError {
    CliError::client(format!("cannot decode the streamed output: {e}"))
}
