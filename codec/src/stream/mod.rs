//! Decoding a byte stream that arrives in pieces (std).
//!
//! * [`Messages`]: one-shot iteration over a complete buffer (no std needed).
//! * [`StreamDecoder`]: feed chunks of any size, take messages out. Memory is bounded by the
//!   maximum message size: the decoder never holds more than one header plus one maximum body.
//! * [`MessageReader`]: the same over any [`std::io::Read`].
//!
//! All three follow one policy, so the same bytes split at any points yield exactly the same
//! sequence of results as one-shot decoding:
//!
//! * a complete message is yielded (its offset is absolute in the stream);
//! * a header version other than 1 is yielded as an error, and the frame is then skipped using
//!   its declared length (if that length is within the maximum), so decoding goes on after it;
//! * a declared length above the maximum is yielded as an error and ends decoding: the framing
//!   is lost;
//! * bytes left at the end that do not complete a message are `Incomplete { needed }` (the
//!   last item of [`Messages`], the result of [`StreamDecoder::finish`]).

mod records;
#[cfg(feature = "tokio")]
pub mod tokio;

#[cfg(feature = "std")]
pub use self::records::RecordReader;
pub use self::records::{InBundle, Located, Position, RecordError, RecordResult, Records};

use crate::error::{DecodeError, ErrorKind};
use crate::frame::wire::MessageHeader;
use crate::frame::{DecodeOptions, Message, frame_at};

/// What the framing policy makes of the bytes at the front of a buffer.
enum Step {
    /// A message of this many bytes (header included) is complete.
    Message(usize),
    /// A bad header version: report the error, then skip `total` bytes (the whole frame).
    Skip(DecodeError, usize),
    /// Framing is lost: report the error and stop.
    Fatal(DecodeError),
    /// More bytes needed.
    Incomplete(usize),
}

fn step(buf: &[u8], offset: usize, opts: &DecodeOptions) -> Step {
    let Ok((h, _)) = <MessageHeader as zerocopy::FromBytes>::ref_from_prefix(buf) else {
        return Step::Incomplete(MessageHeader::LEN - buf.len());
    };
    let declared = h.length.get();
    if declared > opts.max_message_length {
        return Step::Fatal(DecodeError::invalid(
            offset + 4,
            ErrorKind::MessageTooLarge {
                declared,
                max: opts.max_message_length,
            },
        ));
    }
    let total = MessageHeader::LEN + usize::try_from(declared).unwrap_or(usize::MAX);
    let version = h.version.get();
    if version != 1 {
        return Step::Skip(
            DecodeError::invalid(
                offset,
                ErrorKind::UnsupportedHeaderVersion { found: version },
            ),
            total,
        );
    }
    if buf.len() < total {
        return Step::Incomplete(total - buf.len());
    }
    Step::Message(total)
}

/// Iterates over the messages of a complete buffer (see the module policy).
///
/// ```
/// use estreamer_codec::{DecodeOptions, Messages, MessageType};
/// let null = [0u8, 1, 0, 0, 0, 0, 0, 0];
/// let mut it = Messages::new(&null, DecodeOptions::default());
/// assert_eq!(it.next().unwrap().unwrap().message_type(), MessageType::NULL);
/// assert!(it.next().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    buf: &'a [u8],
    pos: usize,
    opts: DecodeOptions,
    /// Bytes of a skipped (bad-version) frame that lie beyond the end of the buffer.
    skip_missing: usize,
    done: bool,
}

impl<'a> Messages<'a> {
    /// Messages of `buf`, whose first byte is at stream offset 0.
    pub const fn new(buf: &'a [u8], opts: DecodeOptions) -> Self {
        Messages {
            buf,
            pos: 0,
            opts,
            skip_missing: 0,
            done: false,
        }
    }

    /// Offset of the next byte not yet decoded.
    pub const fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        if rest.is_empty() {
            self.done = true;
            return match self.skip_missing {
                0 => None,
                needed => Some(Err(DecodeError::Incomplete { needed })),
            };
        }
        match step(rest, self.pos, &self.opts) {
            Step::Message(total) => match frame_at(rest, self.pos, self.opts.max_message_length) {
                Ok((m, _)) => {
                    self.pos += total;
                    Some(Ok(m))
                }
                Err(e) => {
                    self.done = true;
                    Some(Err(e))
                }
            },
            Step::Skip(e, total) => {
                if total > rest.len() {
                    self.skip_missing = total - rest.len();
                    self.pos = self.buf.len();
                } else {
                    self.pos += total;
                }
                Some(Err(e))
            }
            Step::Fatal(e) => {
                self.done = true;
                Some(Err(e))
            }
            Step::Incomplete(needed) => {
                self.done = true;
                Some(Err(DecodeError::Incomplete { needed }))
            }
        }
    }
}

impl core::iter::FusedIterator for Messages<'_> {}

#[cfg(feature = "std")]
pub use self::buffered::{MessageReader, ReadError, StreamDecoder};

#[cfg(feature = "std")]
mod buffered {
    use std::io::{self, Read};
    use std::vec::Vec;

    use super::{Step, step};
    use crate::error::DecodeError;
    use crate::frame::wire::MessageHeader;
    use crate::frame::{DecodeOptions, Message, frame_at};

    /// Incremental decoder: [`feed`](Self::feed) bytes as they arrive, take messages out with
    /// [`next_message`](Self::next_message).
    ///
    /// The decoder buffers at most one header plus one maximum-size body
    /// ([`capacity_limit`](Self::capacity_limit)); `feed` accepts only what fits and returns how
    /// much it took, so memory stays bounded however large the chunks are:
    ///
    /// ```
    /// use estreamer_codec::{DecodeOptions, StreamDecoder};
    /// let stream = [0u8, 1, 0, 0, 0, 0, 0, 0].repeat(3);
    /// let mut dec = StreamDecoder::new(DecodeOptions::default());
    /// let mut count = 0;
    /// for chunk in stream.chunks(5) {
    ///     let mut chunk = chunk;
    ///     while !chunk.is_empty() {
    ///         let n = dec.feed(chunk);
    ///         chunk = &chunk[n..];
    ///         while let Some(_msg) = dec.next_message().unwrap() {
    ///             count += 1;
    ///         }
    ///     }
    /// }
    /// dec.finish().unwrap();
    /// assert_eq!(count, 3);
    /// ```
    #[derive(Debug, Clone)]
    pub struct StreamDecoder {
        /// `buf[..filled]` holds the stream's bytes; the rest is initialized room that
        /// [`read_from`](Self::read_from) reads into without zeroing it again each time.
        buf: Vec<u8>,
        filled: usize,
        /// First byte of `buf` not yet consumed.
        start: usize,
        /// Size of the message last returned, consumed on the next call.
        pending: usize,
        /// Bytes of a bad frame still to discard as they arrive.
        skip: usize,
        /// Stream offset of `buf[0]`.
        base: usize,
        opts: DecodeOptions,
        failed: Option<DecodeError>,
    }

    /// Moves `buf[from..to]` down to `dest` (`dest <= from`); out-of-range arguments, which
    /// the decoder's invariants rule out, move nothing instead of panicking.
    fn move_down(buf: &mut [u8], from: usize, to: usize, dest: usize) {
        if dest <= from && from <= to && to <= buf.len() {
            buf.copy_within(from..to, dest);
        }
    }

    impl StreamDecoder {
        /// A decoder with these options.
        pub fn new(opts: DecodeOptions) -> Self {
            StreamDecoder {
                buf: Vec::new(),
                filled: 0,
                start: 0,
                pending: 0,
                skip: 0,
                base: 0,
                opts,
                failed: None,
            }
        }

        /// The most bytes the decoder ever buffers: one header plus one maximum body.
        pub fn capacity_limit(&self) -> usize {
            MessageHeader::LEN + usize::try_from(self.opts.max_message_length).unwrap_or(usize::MAX)
        }

        /// Bytes buffered and not yet returned as messages.
        pub fn buffered(&self) -> usize {
            self.filled - self.start - self.pending
        }

        /// Stream offset of the next byte to decode.
        pub fn position(&self) -> usize {
            self.base + self.start + self.pending
        }

        fn compact(&mut self) {
            self.start += self.pending;
            self.pending = 0;
            if self.start > 0 {
                move_down(&mut self.buf, self.start, self.filled, 0);
                self.filled -= self.start;
                self.base += self.start;
                self.start = 0;
            }
        }

        /// Takes as many bytes of `data` as fit within the capacity limit and returns how many.
        ///
        /// Returns 0 when the buffer holds a complete message not yet taken out: call
        /// [`next_message`](Self::next_message) until it returns `Ok(None)`, then feed again.
        pub fn feed(&mut self, data: &[u8]) -> usize {
            let mut taken = 0;
            if self.skip > 0 {
                let n = self.skip.min(data.len());
                self.skip -= n;
                self.base += n;
                taken = n;
            }
            let data = data.get(taken..).unwrap_or_default();
            if data.is_empty() {
                return taken;
            }
            self.compact();
            let room = self.capacity_limit().saturating_sub(self.filled);
            let n = room.min(data.len());
            let data = data.get(..n).unwrap_or_default();
            match self.buf.get_mut(self.filled..self.filled + n) {
                Some(dst) => dst.copy_from_slice(data),
                None => {
                    self.buf.truncate(self.filled);
                    self.buf.extend_from_slice(data);
                }
            }
            self.filled += n;
            taken + n
        }

        /// The next complete message, `Ok(None)` when more bytes are needed, or an error (see the
        /// module policy). The message borrows the decoder until the next call.
        pub fn next_message(&mut self) -> Result<Option<Message<'_>>, DecodeError> {
            match self.advance()? {
                None => Ok(None),
                Some(at) => {
                    let (m, _) = frame_at(
                        self.buf.get(at..self.filled).unwrap_or_default(),
                        self.base + at,
                        self.opts.max_message_length,
                    )?;
                    Ok(Some(m))
                }
            }
        }

        /// Finds the next complete message; returns its index in `buf`.
        fn advance(&mut self) -> Result<Option<usize>, DecodeError> {
            self.start += self.pending;
            self.pending = 0;
            if let Some(e) = self.failed {
                return Err(e);
            }
            let avail = self.buf.get(self.start..self.filled).unwrap_or_default();
            if avail.is_empty() {
                return Ok(None);
            }
            match step(avail, self.base + self.start, &self.opts) {
                Step::Message(total) => {
                    let at = self.start;
                    self.pending = total;
                    Ok(Some(at))
                }
                Step::Skip(e, total) => {
                    if total > avail.len() {
                        self.skip = total - avail.len();
                        self.start = self.filled;
                    } else {
                        self.start += total;
                    }
                    Err(e)
                }
                Step::Fatal(e) => {
                    self.failed = Some(e);
                    Err(e)
                }
                Step::Incomplete(_) => Ok(None),
            }
        }

        /// Call at the end of the stream: `Incomplete { needed }` if bytes of an unfinished
        /// message are left, the fatal error if decoding stopped on one, `Ok` otherwise.
        pub fn finish(&self) -> Result<(), DecodeError> {
            if let Some(e) = self.failed {
                return Err(e);
            }
            if self.skip > 0 {
                return Err(DecodeError::Incomplete { needed: self.skip });
            }
            let avail = self
                .buf
                .get(self.start + self.pending..self.filled)
                .unwrap_or_default();
            if avail.is_empty() {
                return Ok(());
            }
            match step(avail, 0, &self.opts) {
                Step::Incomplete(needed) => Err(DecodeError::Incomplete { needed }),
                // A complete message or an error is still waiting for `next_message`.
                _ => Ok(()),
            }
        }

        /// Initialized room after the buffered bytes, at most `want` long (and never past the
        /// capacity limit), for a reader to fill without a copy: read into it, then call
        /// [`commit`](Self::commit) with the number of bytes read. What
        /// [`read_from`](Self::read_from) does for a [`Read`], for readers that are not one (an
        /// async stream, a TLS session). Empty only when the buffer is full, which cannot
        /// happen while [`next_message`](Self::next_message) is drained between reads.
        pub fn room(&mut self, want: usize) -> &mut [u8] {
            self.compact();
            let want = self.capacity_limit().saturating_sub(self.filled).min(want);
            let old = self.filled;
            // Zeroed once as the buffer grows, then reused: no memset per read.
            if self.buf.len() < old + want {
                self.buf.resize(old + want, 0);
            }
            self.buf.get_mut(old..old + want).unwrap_or_default()
        }

        /// Takes the first `n` bytes of the last [`room`](Self::room) as received: `n` must be
        /// what was read into it (it is only cut to the buffer's end, which may lie past the
        /// room). Bytes of a bad frame still to be discarded are dropped here.
        pub fn commit(&mut self, n: usize) {
            let old = self.filled;
            let n = n.min(self.buf.len().saturating_sub(old));
            self.filled = old + n;
            if self.skip > 0 && n > 0 {
                let drop = self.skip.min(n);
                move_down(&mut self.buf, old + drop, self.filled, old);
                self.filled -= drop;
                self.skip -= drop;
                self.base += drop;
            }
        }

        /// Reads once from `r` into the buffer (at most up to the capacity limit). Returns the
        /// number of bytes read; 0 means end of stream (or a full buffer, which cannot happen
        /// while `next_message` is drained between reads).
        pub fn read_from<R: Read>(&mut self, r: &mut R) -> io::Result<usize> {
            const CHUNK: usize = 64 * 1024;
            let room = self.room(CHUNK);
            // Read in bounded chunks: never size the buffer by a length taken from the wire.
            let want = room.len();
            if want == 0 {
                return Ok(0);
            }
            let result = r.read(room);
            self.commit((*result.as_ref().unwrap_or(&0)).min(want));
            result
        }
    }

    /// Error from [`MessageReader`].
    #[derive(Debug)]
    pub enum ReadError {
        /// The reader failed.
        Io(io::Error),
        /// The bytes do not decode (including `Incomplete` at end of stream: the stream ended
        /// inside a message).
        Decode(DecodeError),
    }

    impl core::fmt::Display for ReadError {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            match self {
                ReadError::Io(e) => write!(f, "read failed: {e}"),
                ReadError::Decode(DecodeError::Incomplete { needed }) => {
                    write!(
                        f,
                        "stream ended inside a message ({needed} more bytes expected)"
                    )
                }
                ReadError::Decode(e) => write!(f, "{e}"),
            }
        }
    }

    impl std::error::Error for ReadError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            match self {
                ReadError::Io(e) => Some(e),
                ReadError::Decode(e) => Some(e),
            }
        }
    }

    /// Messages from any [`Read`]: a [`StreamDecoder`] that refills itself.
    #[derive(Debug)]
    pub struct MessageReader<R> {
        reader: R,
        decoder: StreamDecoder,
        eof: bool,
        ended: bool,
    }

    impl<R: Read> MessageReader<R> {
        /// Reads messages from `reader`.
        pub fn new(reader: R, opts: DecodeOptions) -> Self {
            MessageReader {
                reader,
                decoder: StreamDecoder::new(opts),
                eof: false,
                ended: false,
            }
        }

        /// The next message; `Ok(None)` at a clean end of stream. After a
        /// [`ReadError::Decode`] that is not fatal (a bad header version) reading can go on.
        pub fn next_message(&mut self) -> Result<Option<Message<'_>>, ReadError> {
            loop {
                if let Some(at) = self.decoder.advance().map_err(ReadError::Decode)? {
                    let d = &self.decoder;
                    let (m, _) = frame_at(
                        d.buf.get(at..d.filled).unwrap_or_default(),
                        d.base + at,
                        d.opts.max_message_length,
                    )
                    .map_err(ReadError::Decode)?;
                    return Ok(Some(m));
                }
                if self.eof {
                    if self.ended {
                        return Ok(None);
                    }
                    // Report an unfinished message once, then behave as a clean end.
                    self.ended = true;
                    return self
                        .decoder
                        .finish()
                        .map(|()| None)
                        .map_err(ReadError::Decode);
                }
                loop {
                    match self.decoder.read_from(&mut self.reader) {
                        Ok(0) => {
                            self.eof = true;
                            break;
                        }
                        Ok(_) => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(ReadError::Io(e)),
                    }
                }
            }
        }

        /// Stream offset of the next byte to decode.
        pub fn position(&self) -> usize {
            self.decoder.position()
        }

        /// The message last returned (at stream `offset`, `body_len` bytes of body) again:
        /// its bytes stay buffered until the next call to
        /// [`next_message`](Self::next_message).
        pub(crate) fn message_at(&self, offset: usize, body_len: usize) -> Option<Message<'_>> {
            let d = &self.decoder;
            let at = offset.checked_sub(d.base)?;
            let end = at.checked_add(MessageHeader::LEN)?.checked_add(body_len)?;
            let bytes = d.buf.get(at..end.min(d.filled))?;
            frame_at(bytes, offset, d.opts.max_message_length)
                .ok()
                .map(|(m, _)| m)
        }

        /// The underlying reader.
        pub fn into_inner(self) -> R {
            self.reader
        }
    }
}
