package io.kefu.chat.upload;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kefu.chat.upload.*}: which store holds uploads, read at start only (the client is built once).
 *
 * @param store {@code local} (the directory {@code storage-dir}; one instance, or a volume they all mount)
 *              or {@code s3} (an S3-compatible object store every instance reads). At start.
 * @param s3    the object store, when {@code store} is {@code s3}. At start.
 */
@ConfigurationProperties("kefu.chat.upload")
public record UploadStoreProperties(@DefaultValue("local") String store, @DefaultValue S3 s3) {

    public UploadStoreProperties {
        if (!store.equals("local") && !store.equals("s3")) {
            throw new IllegalArgumentException("kefu.chat.upload.store must be local or s3, not " + store);
        }
    }

    /**
     * @param endpoint     the store's URL, e.g. {@code http://minio:9000}, {@code https://oss-cn-hangzhou.aliyuncs.com},
     *                     {@code https://cos.ap-shanghai.myqcloud.com}; blank = AWS S3 of {@code region}
     * @param region       the region requests are signed for (MinIO accepts any; OSS/COS: the bucket's, e.g. cn-hangzhou)
     * @param bucket       the bucket (one per environment; the service only reads and writes objects in it)
     * @param accessKey    access key id; blank = the SDK's default chain (environment, IAM role)
     * @param secretKey    its secret
     * @param pathStyle    {@code http://host/bucket/key} (MinIO) instead of {@code http://bucket.host/key} (OSS and COS want false)
     * @param createBucket create the bucket at start when missing (a local MinIO); off where ops create it
     * @param timeout      connect and read time-out of one request
     */
    public record S3(@Nullable String endpoint, @DefaultValue("us-east-1") String region, @DefaultValue("kefu-uploads") String bucket,
            @Nullable String accessKey, @Nullable String secretKey, @DefaultValue("true") boolean pathStyle,
            @DefaultValue("false") boolean createBucket, @DefaultValue("30s") Duration timeout) {
    }
}
