//! `hako-device`: the reference phone client (SPEC D9). The backup protocol it speaks
//! does not exist yet; until it does, the binary only says so.

fn main() {
    eprintln!("hako-device: the backup protocol is not implemented yet (SPEC D1–D9).");
    std::process::exit(2);
}
