//! `estreamer`: decode captured eStreamer streams, build client requests, explain request flags.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use estreamer_cli::request;
use estreamer_codec::names::Metadata;
use estreamer_codec::{DecodeOptions, HeaderMode, InitialTimestamp, RequestFlags};
use estreamer_json::decode;

#[derive(Parser)]
#[command(
    name = "estreamer",
    version,
    about = "Tools for Cisco's eStreamer protocol (Firepower / FireSIGHT Management Center event streaming)",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode a captured server-to-client byte stream into JSON Lines.
    ///
    /// The input is the decrypted byte stream as read from the TLS socket (messages back to
    /// back). One JSON object is written per message, one per message inside a bundle, and one
    /// per error; decoding goes on after an error wherever the framing allows, and the exit
    /// status is 1 when any error was found, 2 when the command failed, 130 or 143 when
    /// Ctrl-C or SIGTERM ended the input (what was read is written and the metadata cache
    /// saved). The schema is documented in README.md.
    Decode {
        /// Record header form of Event Data messages: `standard` (8 bytes, request flag bit 23
        /// clear), `extended` (16 bytes, bit 23 set), or `auto` (decided per message from the
        /// lengths, as Cisco's client does).
        #[arg(long, value_enum, default_value_t = Header::Auto)]
        header: Header,
        /// Largest message body accepted, in bytes; a larger declared length stops decoding.
        #[arg(long, default_value_t = estreamer_codec::DEFAULT_MAX_MESSAGE_LENGTH)]
        max_message_length: u32,
        /// Add to each intrusion event the names the metadata seen so far gives: `sid` (the
        /// SID the user entered, from record 66; null until that record arrives), `gid`, `rev`,
        /// `rule_rendered`, `rule_message`, `classification`, `priority`, policy, rule,
        /// interface, zone and other names.
        #[arg(long)]
        render: bool,
        /// Metadata cache file: loaded first if it exists (so events whose metadata came in an
        /// earlier session render), then saved with what the stream added. Implies --render.
        #[arg(long, value_name = "FILE")]
        metadata: Option<PathBuf>,
        /// Worker threads that turn records into JSON (the output is the same, in the same
        /// order, for any number); 0 = one per available core, 64 at the most. With --render (or --metadata)
        /// decoding is one thread: a record's names depend on the metadata before it.
        #[arg(long, default_value_t = 0, value_name = "N")]
        threads: usize,
        /// Input file, or `-` for standard input.
        #[arg(default_value = "-")]
        input: String,
    },
    /// Write the request a client sends: Event Stream Request, then (extended mode) the
    /// Streaming Request.
    ///
    /// Raw bytes go to --out FILE, or to standard output when it is not a terminal; an annotated
    /// hex listing goes to a terminal (or with --hex).
    Request {
        /// Where to start: `genesis` (oldest data), `now`, or UNIX seconds (decimal or 0x hex),
        /// normally the archive timestamp of the last record processed.
        #[arg(long, default_value = "now")]
        start: InitialTimestamp,
        /// Request flags: names (e.g. METADATA_V4,ARCHIVE_TIMESTAMPS) joined by ',', '|' or '+',
        /// or a number (0x48900061). Default: Cisco eNcore's flags, 0x48900061. See `estreamer
        /// flags` for the names.
        #[arg(long, default_value = "0x48900061")]
        flags: RequestFlags,
        /// Extended requests, `code:version,...` (codes as numbers or names: intrusion,
        /// metadata, correlation, discovery, connection, user, malware, file, impact), or a
        /// preset: `encore-5.2.11` (default), `encore-3.8.4`, `none`. Giving a list sets
        /// request flag bit 30 (EXTENDED_REQUESTS).
        #[arg(long)]
        extended: Option<String>,
        /// Write raw bytes to this file.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write the annotated hex listing to standard output even when it is not a terminal.
        #[arg(long)]
        hex: bool,
    },
    /// Write a synthesized server-to-client stream: Message Bundles of Event Data records
    /// (intrusion block 85, connection block 174, packets, rule messages, classifications,
    /// priorities) with extended record headers, shaped by a seed, a size and a mix. The same
    /// settings always give the same bytes. Decode it with `estreamer decode`, or benchmark on it.
    Synth {
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size to reach, e.g. 4096, 64K, 16M (the stream ends at the first record boundary at
        /// or past it).
        #[arg(long, default_value = "16M")]
        size: String,
        /// Record proportions: `kind=weight,...` (intrusion, connection, packet, rule_message,
        /// classification, priority), or `default` (50/30/10/5/3/2).
        #[arg(long, default_value = "default")]
        mix: String,
        /// Header version of the messages inside bundles: 0 (as FMCs send, per Cisco's client),
        /// 1, or mixed.
        #[arg(long, default_value = "0")]
        inner_version: String,
        /// Output file (default: standard output, which must not be a terminal).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Print the record coverage table: every record type, how its body is decoded (which
    /// layouts, by block type) or that it is kept raw, and the test vectors that contain it.
    Catalogue {
        /// `text`, `markdown` (the table), `json` (JSON Lines) or `reference`
        /// (docs/records.md: the table and every layout's fields).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Directory of `.hex` test vectors to scan for each record type (default: `testdata`
        /// if it exists).
        #[arg(long)]
        testdata: Option<PathBuf>,
    },
    #[cfg(feature = "net")]
    /// Stream events from a Management Center over TLS to JSON Lines (the schema of `decode`),
    /// resuming from a bookmark without losing or repeating events across reconnects and
    /// restarts. Ctrl-C or SIGTERM syncs the output, saves the bookmark and exits 0.
    ///
    /// Exit status: 0 stopped as asked (signal, --duration, --max-records); 1 the output or the
    /// bookmark could not be written; 2 bad arguments or configuration (PKCS#12, password,
    /// a bookmark that is damaged or another stream's, a file another stream holds); with
    /// --no-reconnect, 3 when no session came up (refused, unreachable, TLS or certificate
    /// failure) and 4 when the session ended (an Error from the server, a close, a timeout).
    Stream(estreamer_cli::net::StreamArgs),
    #[cfg(feature = "net")]
    /// Run a real eStreamer test server (TLS, client certificates required) serving a capture
    /// or a synthesized stream: honours the request, bundles, acknowledgements, keep-alives.
    Serve(estreamer_cli::net::ServeArgs),
    #[cfg(feature = "net")]
    /// Create a test PKI the way a Management Center does: CA, server certificate, client
    /// PKCS#12 (client address in the CN).
    Certs(estreamer_cli::net::CertsArgs),
    #[cfg(feature = "net")]
    /// The whole protocol end to end on loopback: fresh certificates, a test server with a
    /// synthesized stream, the client streaming and rendering intrusion events with their SIDs.
    Demo(estreamer_cli::net::DemoArgs),
    #[cfg(feature = "net")]
    /// Walk Cisco's troubleshooting checklist against a server: the PKCS#12 (opens, key,
    /// certificate, CA, validity), name resolution, TCP 8302, the address the FMC will see vs
    /// the certificate's, the TLS handshake, the request and the first message. Says what to
    /// fix for each failure; exit status 0 only when nothing fails.
    Doctor(estreamer_cli::net::DoctorArgs),
    /// Explain a request flags word bit by bit, with the version the server will send for each
    /// event family.
    Flags {
        /// The flags: a number (0x48900061) or names joined by ',', '|' or '+'.
        flags: RequestFlags,
        /// Extended requests to resolve together with the flags (`code:version,...` or a
        /// preset, as for `request`).
        #[arg(long)]
        extended: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
    Reference,
}

#[derive(Clone, Copy, ValueEnum)]
enum Header {
    Standard,
    Extended,
    Auto,
}

impl From<Header> for HeaderMode {
    fn from(h: Header) -> Self {
        match h {
            Header::Standard => HeaderMode::Standard,
            Header::Extended => HeaderMode::Extended,
            Header::Auto => HeaderMode::Auto,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("estreamer: {e}");
            ExitCode::from(2)
        }
    }
}

/// Whether `f` is a regular file (a read from it does not block for long).
#[cfg(unix)]
fn is_regular(f: &impl std::os::fd::AsFd) -> bool {
    f.as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

#[cfg(not(unix))]
fn is_regular<T>(_f: &T) -> bool {
    false
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Decode {
            header,
            max_message_length,
            render,
            metadata,
            threads,
            input,
        } => {
            let opts = DecodeOptions {
                max_message_length,
                header_mode: header.into(),
            };
            let mut cache = match &metadata {
                Some(path) => estreamer_cli::cache::load(path)?,
                None => Metadata::new(),
            };
            let render = render || metadata.is_some();
            // Ctrl-C and SIGTERM end the input: what was read is written, the cache saved.
            let stop = estreamer_cli::interrupt::Stop::install();
            let reader: Box<dyn Read> = if input == "-" {
                let regular = is_regular(&io::stdin());
                stop.input(io::stdin(), regular)
            } else {
                let file = File::open(&input).map_err(|e| format!("cannot open {input}: {e}"))?;
                let regular = is_regular(&file);
                stop.input(file, regular)
            };
            let stdout = io::stdout().lock();
            let threads = match threads {
                0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                n => n,
            };
            let decoded = if render || threads == 1 {
                decode::decode_stream_rendered(reader, stdout, opts, render, &mut cache)
            } else {
                decode::decode_stream_parallel(reader, stdout, opts, threads)
            };
            let summary = match decoded {
                Ok(s) => s,
                // A closed pipe (e.g. `| head`) is a normal way to stop reading.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    return Ok(ExitCode::SUCCESS);
                }
                Err(e) => return Err(format!("decode failed: {e}")),
            };
            if let Some(path) = &metadata {
                estreamer_cli::cache::save(path, &cache)?;
            }
            if let Some(sig) = stop.signal() {
                eprintln!(
                    "estreamer: interrupted by signal {sig}: {} messages, {} records, {} errors \
                     written before it",
                    summary.messages, summary.records, summary.errors
                );
                return Ok(ExitCode::from(u8::try_from(128 + sig).unwrap_or(1)));
            }
            if summary.errors > 0 {
                eprintln!(
                    "estreamer: {} messages, {} records, {} errors",
                    summary.messages, summary.records, summary.errors
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Request {
            start,
            mut flags,
            extended,
            out,
            hex,
        } => {
            let list = match &extended {
                Some(s) => {
                    if !flags.contains(RequestFlags::EXTENDED_REQUESTS) {
                        eprintln!(
                            "estreamer: --extended given: setting request flag bit 30 (EXTENDED_REQUESTS)"
                        );
                        flags |= RequestFlags::EXTENDED_REQUESTS;
                    }
                    request::parse_extended(s).map_err(|e| format!("--extended: {e}"))?
                }
                None => estreamer_codec::EventTypeRequest::ENCORE_5_2_11.to_vec(),
            };
            let req = request::build(start, flags, &list)?;
            let mut raw = req.event_stream_request.clone();
            if let Some(sr) = &req.streaming_request {
                raw.extend_from_slice(sr);
            }
            if let Some(path) = out {
                std::fs::write(&path, &raw)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                if hex {
                    print!("{}", request::annotate(&req));
                }
                return Ok(ExitCode::SUCCESS);
            }
            let mut stdout = io::stdout().lock();
            let result = if hex || stdout.is_terminal() {
                stdout.write_all(request::annotate(&req).as_bytes())
            } else {
                stdout.write_all(&raw)
            };
            result
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth {
            seed,
            size,
            mix,
            inner_version,
            out,
        } => {
            use estreamer_cli::synth;
            let cfg = synth::config(
                seed,
                synth::parse_size(&size).map_err(|e| format!("--size: {e}"))?,
                synth::parse_mix(&mix).map_err(|e| format!("--mix: {e}"))?,
                synth::parse_inner_version(&inner_version)
                    .map_err(|e| format!("--inner-version: {e}"))?,
            );
            if out.is_none() && io::stdout().is_terminal() {
                return Err(
                    "refusing to write a binary stream to a terminal: use --out FILE or a pipe"
                        .into(),
                );
            }
            let s = estreamer_synth::synth(&cfg);
            match &out {
                Some(path) => std::fs::write(path, &s.bytes)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => {
                    let mut stdout = io::stdout().lock();
                    stdout
                        .write_all(&s.bytes)
                        .and_then(|()| stdout.flush())
                        .map_err(|e| format!("cannot write: {e}"))?;
                }
            }
            eprintln!("estreamer: {s}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalogue { format, testdata } => {
            let dir = testdata.or_else(|| {
                let d = PathBuf::from("testdata");
                d.is_dir().then_some(d)
            });
            let rows = estreamer_cli::catalogue::rows(dir.as_deref());
            let out = match format {
                Format::Text => estreamer_cli::catalogue::text(&rows),
                Format::Markdown => estreamer_cli::catalogue::markdown(&rows),
                Format::Json => estreamer_cli::catalogue::json_lines(&rows),
                Format::Reference => estreamer_cli::catalogue::reference(&rows),
            };
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "net")]
        Command::Stream(a) => estreamer_cli::net::stream(a),
        #[cfg(feature = "net")]
        Command::Serve(a) => estreamer_cli::net::serve(a),
        #[cfg(feature = "net")]
        Command::Certs(a) => estreamer_cli::net::certs(a),
        #[cfg(feature = "net")]
        Command::Demo(a) => estreamer_cli::net::demo(a),
        #[cfg(feature = "net")]
        Command::Doctor(a) => estreamer_cli::net::doctor(a),
        Command::Flags { flags, extended } => {
            let list = extended
                .as_deref()
                .map(request::parse_extended)
                .transpose()
                .map_err(|e| format!("--extended: {e}"))?;
            print!("{}", request::explain_flags(flags, list.as_deref()));
            Ok(ExitCode::SUCCESS)
        }
    }
}
