package dev.secureconnect.appliance.callhome;

/**
 * What the operating system says about the machine: the one part of a bundle a test may fake. The appliance's view is
 * {@link OshiSystemView}.
 */
@FunctionalInterface
public interface SystemView {

    /** The facts now; may take a moment (never called on an event loop). */
    SystemFacts facts();
}
