package dev.secureconnect.cli;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Makes the commands of a tool: a command with a constructor taking only the run's context (the tool's console) gets
 * it; any other class is made by picocli's default factory.
 */
public record InjectingFactory<C>(Class<C> contextType, C context) implements CommandLine.IFactory {

    public InjectingFactory {
        requireNonNull(contextType, "contextType");
        requireNonNull(context, "context");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == contextType) {
                constructor.setAccessible(true);
                return type.cast(constructor.newInstance(context));
            }
        }
        return CommandLine.defaultFactory().create(type);
    }
}
