package io.regcache.it.support;

import java.util.List;

/** Outcome of a finished command run by {@link CommandRunner}. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result, or throws with the command's output if it exited non-zero. */
    public CommandResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    public String describe() {
        return "command " + String.join(" ", command) + " exited " + exitCode
                + "\n--- stdout ---\n" + CommandRunner.tail(stdout, 40)
                + "\n--- stderr ---\n" + CommandRunner.tail(stderr, 40);
    }
}
