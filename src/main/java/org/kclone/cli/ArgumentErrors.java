package org.kclone.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** picocli's errors about the command line said as kclone says a refusal: the field, then the reason. */
final class ArgumentErrors {

    private ArgumentErrors() {
    }

    /** {@code --pages: 'x' is not a whole number}, {@code unknown option '--frobnicate'}, ... */
    static String describe(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            String first = u.getUnmatched().isEmpty() ? "?" : u.getUnmatched().get(0);
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'";
            }
            return (e.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument '" : "unknown command '")
                    + first + "'";
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            String names = String.join(", ", m.getMissing().stream().map(ArgumentErrors::name).toList());
            return names + ": missing";
        }
        ArgSpec arg = e.getArgSpec();
        String value = e.getValue();
        if (arg != null && value != null) {
            Class<?> type = arg.type();
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                boolean digits = value.trim().matches("-?\\d+");
                return name(arg) + ": '" + value + "' is " + (digits ? "too large" : "not a whole number");
            }
            return name(arg) + ": '" + value + "' is not valid";
        }
        String msg = e.getMessage();
        return arg != null ? name(arg) + ": " + msg : msg;
    }

    private static String name(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return o.longestName();
        }
        if (arg instanceof PositionalParamSpec p) {
            return p.paramLabel();
        }
        return String.valueOf(arg);
    }
}
