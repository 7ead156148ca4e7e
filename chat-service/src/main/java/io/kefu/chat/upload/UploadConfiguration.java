package io.kefu.chat.upload;

import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UploadStoreProperties.class)
class UploadConfiguration {

    @Bean
    LiveProperties<UploadProperties> uploadProperties(Environment environment) {
        return LiveProperties.bind(environment, UploadProperties.class);
    }

    @Bean
    @ConditionalOnProperty(name = "kefu.chat.upload.store", havingValue = "local", matchIfMissing = true)
    UploadStore localUploadStore(LiveProperties<UploadProperties> properties, UploadStoreProperties settings) {
        // settings: bound (and checked) here too, so a misspelt store fails the start
        return new LocalUploadStore(properties);
    }

    /** The S3 client, closed with the context; only when uploads go to an object store. */
    @Bean
    @ConditionalOnProperty(name = "kefu.chat.upload.store", havingValue = "s3")
    S3Client uploadS3Client(UploadStoreProperties settings) {
        return s3Client(settings.s3());
    }

    @Bean
    @ConditionalOnProperty(name = "kefu.chat.upload.store", havingValue = "s3")
    UploadStore s3UploadStore(S3Client uploadS3Client, UploadStoreProperties settings) {
        // This instance's own temporary files: another instance in the same JVM (tests) or on the same volume has others.
        Path local = Path.of(System.getProperty("java.io.tmpdir"), "kefu", "uploads-" + UUID.randomUUID());
        S3UploadStore store = new S3UploadStore(uploadS3Client, settings.s3().bucket(), local);
        if (settings.s3().createBucket()) {
            store.createBucketIfMissing();
        }
        return store;
    }

    static S3Client s3Client(UploadStoreProperties.S3 s3) {
        AwsCredentialsProvider credentials = StringUtils.hasText(s3.accessKey())
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey() == null ? "" : s3.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(s3.timeout()).socketTimeout(s3.timeout()))
                .region(Region.of(s3.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(s3.pathStyle())
                // Checksums only where the API requires them: OSS and COS (and older MinIO) refuse the
                // aws-chunked trailers that the SDK's default adds to every PUT since 2.30.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (StringUtils.hasText(s3.endpoint())) {
            builder.endpointOverride(URI.create(s3.endpoint().strip()));
        }
        return builder.build();
    }
}
