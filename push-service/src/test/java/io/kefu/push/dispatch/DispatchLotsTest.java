package io.kefu.push.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.kefu.push.template.Channel;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.junit.jupiter.api.Test;

class DispatchLotsTest {

    private static List<Messages.Queued> queued(int n, Channel channel, int priority) {
        return IntStream.range(0, n).mapToObj(i -> new Messages.Queued(UUID.randomUUID(), channel, priority)).toList();
    }

    @Test
    void aBatchTravelsInLotsOfAtMostBatchSizeIdsKeepingItsOrder() {
        List<Messages.Queued> batch = queued(120, Channel.SMS, 1);
        List<List<Messages.Queued>> lots = DispatchQueues.lots(batch, 50);
        assertThat(lots).extracting(List::size).containsExactly(50, 50, 20);
        assertThat(lots.stream().flatMap(List::stream).toList()).isEqualTo(batch);
    }

    @Test
    void aLotHoldsOneQueueAndOneBandOnlyAndEachIdOnce() {
        List<Messages.Queued> mixed = new ArrayList<>();
        List<Messages.Queued> lowSms = queued(3, Channel.SMS, 0);
        List<Messages.Queued> highSms = queued(2, Channel.SMS, 8);
        List<Messages.Queued> email = queued(2, Channel.EMAIL, 0);
        for (int i = 0; i < 3; i++) {
            mixed.add(lowSms.get(i));
            if (i < 2) {
                mixed.add(highSms.get(i));
                mixed.add(email.get(i));
            }
        }
        mixed.add(lowSms.getFirst()); // a duplicate within one publication
        List<List<Messages.Queued>> lots = DispatchQueues.lots(mixed, 50);
        assertThat(lots).containsExactly(lowSms, highSms, email);
    }

    @Test
    void urgentIdsTravelOneAMessageAsTheirConsumersTakeThem() {
        List<Messages.Queued> urgent = queued(3, Channel.SMS, 9);
        assertThat(DispatchQueues.lots(urgent, 50)).extracting(List::size).containsExactly(1, 1, 1);
    }

    @Test
    void aLotsBodyReadsBackAsItsIdsAndASingleIdBodyAsALotOfOne() {
        List<Messages.Queued> lot = queued(50, Channel.APP, 2);
        Message message = new Message(DispatchQueues.body(lot), new MessageProperties());
        assertThat(DispatchQueues.ids(message)).isEqualTo(lot.stream().map(Messages.Queued::id).toList());
        UUID one = UUID.randomUUID();
        assertThat(DispatchQueues.ids(new Message(one.toString().getBytes(), new MessageProperties()))).containsExactly(one);
        UUID other = UUID.randomUUID();
        assertThat(DispatchQueues.ids(new Message((one + "\nnot-an-id\n" + other).getBytes(), new MessageProperties())))
                .as("a line that is no id costs the others nothing").containsExactly(one, other);
    }
}
