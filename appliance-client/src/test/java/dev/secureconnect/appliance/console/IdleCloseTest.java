package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's idle close, on an {@link EmbeddedChannel}: an idle connection is closed, other events pass on. */
class IdleCloseTest {

    @Test
    void anIdleConnectionIsClosed() {
        EmbeddedChannel connection = new EmbeddedChannel(new ConsoleInitializer.IdleClose());

        connection.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void otherEventsPassOnAndTheConnectionStaysOpen() {
        List<Object> passedOn = new ArrayList<>();
        EmbeddedChannel connection =
                new EmbeddedChannel(new ConsoleInitializer.IdleClose(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        passedOn.add(event);
                    }
                });

        connection.pipeline().fireUserEventTriggered("not idle");

        assertThat(passedOn).containsExactly("not idle");
        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.finish()).isFalse();
    }
}
