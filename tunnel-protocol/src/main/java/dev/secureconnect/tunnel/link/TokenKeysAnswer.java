package dev.secureconnect.tunnel.link;

import java.util.List;

/**
 * The appliance's answer (200) to {@code POST /v1/token-keys}, which carries the server's chain of rotated token key
 * sets ({@code crypto.token.TokenKeyChain} JSON): the generation of the set it trusts now, whether this push installed
 * it, and its key ids. An appliance that refuses the chain answers 403 with {@value LinkProtocol#HEADER_REASON}
 * instead.
 */
public record TokenKeysAnswer(int generation, boolean installed, List<String> keyIds) {

    public TokenKeysAnswer {
        if (generation < 0) {
            throw new LinkException("token key set generation " + generation + " is not valid: expected 0 or more");
        }
        keyIds = keyIds == null ? List.of() : List.copyOf(keyIds);
    }
}
