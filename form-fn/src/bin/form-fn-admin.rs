//! The staff command: see `form_fn::admin`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime starts");
    let code = runtime.block_on(form_fn::admin::main(&args));
    std::process::ExitCode::from(code as u8)
}
