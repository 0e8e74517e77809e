//! The stages of each command, in order, with what each needs from the machine and what each
//! makes sure of. The order is a rule, pinned by the tests below: every tool a stage uses is
//! ensured by an earlier stage, and all ensuring comes first, so a fresh machine (Rust and nothing
//! else) learns what it lacks in seconds, before the first build, never after ten minutes of one.

/// Something outside the workspace that a stage uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Rustfmt,
    Clippy,
    /// The toolchain's `wasm32-unknown-unknown` target (core and std for wasm).
    WasmTarget,
    /// Debian's `chromium` and `chromium-driver`.
    Chromium,
    /// axe-core from the npm registry, for the accessibility checks in the browser tests.
    AxeCore,
    /// Debian's `postgresql` (server binaries, for the store tests) and `haproxy`.
    Engines,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    EnsureLintTools,
    EnsureWasmTarget,
    EnsureBrowser,
    EnsureAxe,
    EnsureEngines,
    Rustfmt,
    ClippyNative,
    ClippyWasm,
    /// Clippy on the server with the `embed` feature, which needs the built client.
    ClippyEmbedded,
    BuildClient,
    BuildServerAndTests,
    Test,
    /// The release server with the client embedded.
    BuildRelease,
    Serve,
    /// The floor client's two builds and their sizes (`floor_client.rs`).
    FloorClient,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::EnsureLintTools => "ensure: rustfmt + clippy",
            Stage::EnsureWasmTarget => "ensure: wasm32 target",
            Stage::EnsureBrowser => "ensure: chromium + chromedriver",
            Stage::EnsureAxe => "ensure: axe-core, ws (npm)",
            Stage::EnsureEngines => "ensure: postgresql + haproxy",
            Stage::Rustfmt => "lint: rustfmt",
            Stage::ClippyNative => "lint: clippy (native)",
            Stage::ClippyWasm => "lint: clippy (client, wasm32)",
            Stage::ClippyEmbedded => "lint: clippy (server, client embedded)",
            Stage::BuildClient => "build: client",
            Stage::BuildServerAndTests => "build: server and tests",
            Stage::Test => "test: cargo test",
            Stage::BuildRelease => "build: release binary (client embedded)",
            Stage::Serve => "serve",
            Stage::FloorClient => "measure: floor client",
        }
    }

    /// What the stage uses.
    pub fn needs(self) -> &'static [Tool] {
        match self {
            Stage::EnsureLintTools
            | Stage::EnsureWasmTarget
            | Stage::EnsureBrowser
            | Stage::EnsureAxe
            | Stage::EnsureEngines => &[],
            Stage::Rustfmt => &[Tool::Rustfmt],
            Stage::ClippyNative | Stage::ClippyEmbedded => &[Tool::Clippy],
            Stage::ClippyWasm => &[Tool::Clippy, Tool::WasmTarget],
            Stage::BuildClient | Stage::FloorClient => &[Tool::WasmTarget],
            Stage::BuildServerAndTests | Stage::BuildRelease | Stage::Serve => &[],
            // The browser tests drive Chromium through chromedriver and check pages with axe; the
            // store tests start a real PostgreSQL.
            Stage::Test => &[Tool::Chromium, Tool::AxeCore, Tool::Engines],
        }
    }

    /// What the stage makes sure of: afterwards it is there.
    pub fn ensures(self) -> &'static [Tool] {
        match self {
            Stage::EnsureLintTools => &[Tool::Rustfmt, Tool::Clippy],
            Stage::EnsureWasmTarget => &[Tool::WasmTarget],
            Stage::EnsureBrowser => &[Tool::Chromium],
            Stage::EnsureAxe => &[Tool::AxeCore],
            Stage::EnsureEngines => &[Tool::Engines],
            _ => &[],
        }
    }
}

/// `cargo xtask test`: ensure, lint, build (the release binary too: a test runs it alone), test.
pub const TEST: &[Stage] = &[
    Stage::EnsureLintTools,
    Stage::EnsureWasmTarget,
    Stage::EnsureBrowser,
    Stage::EnsureAxe,
    Stage::EnsureEngines,
    Stage::Rustfmt,
    Stage::ClippyNative,
    Stage::ClippyWasm,
    Stage::BuildClient,
    Stage::ClippyEmbedded,
    Stage::BuildRelease,
    Stage::BuildServerAndTests,
    Stage::Test,
];

/// `cargo xtask build`: the client alone.
pub const BUILD: &[Stage] = &[Stage::EnsureWasmTarget, Stage::BuildClient];

/// `cargo xtask serve`: the client, then the server on it.
pub const SERVE: &[Stage] = &[Stage::EnsureWasmTarget, Stage::BuildClient, Stage::Serve];

/// `cargo xtask dist`: one self-contained release binary.
pub const DIST: &[Stage] = &[
    Stage::EnsureWasmTarget,
    Stage::BuildClient,
    Stage::BuildRelease,
];

/// `cargo xtask floor-client`: the smallest first screen this stack allows, measured.
pub const FLOOR_CLIENT: &[Stage] = &[Stage::EnsureWasmTarget, Stage::FloorClient];

/// Why `plan` breaks the rule, if it does: a tool used before it is ensured, or an ensuring stage
/// after work has begun.
pub fn check(plan: &[Stage]) -> Result<(), String> {
    let mut ensured: Vec<Tool> = Vec::new();
    let mut working = false;
    for stage in plan {
        if let Some(tool) = stage.needs().iter().find(|t| !ensured.contains(t)) {
            return Err(format!(
                "`{}` uses {tool:?} before any stage ensures it",
                stage.name()
            ));
        }
        if stage.ensures().is_empty() {
            working = true;
        } else if working {
            return Err(format!("`{}` comes after work has begun", stage.name()));
        }
        ensured.extend_from_slice(stage.ensures());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_ensures_its_tools_first() {
        for (command, plan) in [
            ("test", TEST),
            ("build", BUILD),
            ("serve", SERVE),
            ("dist", DIST),
            ("floor-client", FLOOR_CLIENT),
        ] {
            assert_eq!(check(plan), Ok(()), "cargo xtask {command}");
        }
    }

    #[test]
    fn the_test_command_ensures_the_wasm_target_and_chromium_before_their_first_use() {
        let first_use = |tool| TEST.iter().position(|s| s.needs().contains(&tool));
        let ensured = |tool| TEST.iter().position(|s| s.ensures().contains(&tool));
        for tool in [
            Tool::WasmTarget,
            Tool::Chromium,
            Tool::Clippy,
            Tool::Rustfmt,
            Tool::Engines,
        ] {
            let (ensured, used) = (ensured(tool), first_use(tool));
            assert!(used.is_some(), "{tool:?} is used");
            assert!(
                ensured < used,
                "{tool:?} ensured at {ensured:?}, used at {used:?}"
            );
        }
    }

    /// The fault a fresh machine found: clippy for wasm32 ran before the target was added.
    #[test]
    fn the_check_refuses_a_tool_used_before_it_is_ensured() {
        let broken = [
            Stage::EnsureLintTools,
            Stage::ClippyWasm,
            Stage::EnsureWasmTarget,
        ];
        assert!(check(&broken).unwrap_err().contains("WasmTarget"));
        let late = [
            Stage::EnsureWasmTarget,
            Stage::BuildClient,
            Stage::EnsureBrowser,
        ];
        assert!(check(&late).unwrap_err().contains("after work has begun"));
    }
}
