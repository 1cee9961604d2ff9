use clap::Parser;

fn main() -> std::process::ExitCode {
    llct::cli::run(llct::cli::Cli::parse())
}
