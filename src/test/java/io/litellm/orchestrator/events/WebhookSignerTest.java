package io.litellm.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OTHER = "whsec_b3RoZXItc2VjcmV0LW9mLWFub3RoZXItcmVjZWl2ZXI=";

    @Test
    void matchesTheStandardWebhooksReferenceVector() {
        // the reference libraries' test vector (standard-webhooks, libraries/*/ tests)
        String signature = new WebhookSigner(SECRET).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void verifiesWithTheConfiguredSecretAndFailsWithAnother() {
        String body = "{\"specversion\":\"1.0\",\"id\":\"evt_1\"}";
        String signature = new WebhookSigner(SECRET).sign("evt_1", 1700000000L, body);

        assertThat(new WebhookSigner(SECRET).verify("evt_1", "1700000000", body, signature)).isTrue();
        assertThat(new WebhookSigner(OTHER).verify("evt_1", "1700000000", body, signature)).isFalse();
        // any signed part changed
        assertThat(new WebhookSigner(SECRET).verify("evt_2", "1700000000", body, signature)).isFalse();
        assertThat(new WebhookSigner(SECRET).verify("evt_1", "1700000001", body, signature)).isFalse();
        assertThat(new WebhookSigner(SECRET).verify("evt_1", "1700000000", body + " ", signature)).isFalse();
        // several signatures (a receiver rotating secrets): one match is enough
        assertThat(new WebhookSigner(SECRET).verify("evt_1", "1700000000", body, "v1,AAAA " + signature)).isTrue();
    }

    @Test
    void aBadSecretIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> new WebhookSigner("not-a-whsec-secret"))
                .hasMessageNotContaining("not-a-whsec-secret").hasMessageContaining("whsec_");
        assertThatThrownBy(() -> new WebhookSigner("whsec_%%%secret%%%"))
                .hasMessageNotContaining("%%%secret%%%");
        assertThat(new WebhookSigner(SECRET).toString()).doesNotContain("MfKQ9r8");
    }
}
