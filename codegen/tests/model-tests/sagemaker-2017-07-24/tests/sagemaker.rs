//! AWS's SageMaker control-plane model (`sagemaker-2017-07-24`, awsJson1_1, 358 operations):
//! the generated client's `EndpointInService` waiter against the crate's own generated server
//! stub over loopback TCP. This model is not in `../shared/models/{upstream,next}`: run it with
//! `cargo xtask upstream-check DIR` where DIR holds AWS's `sagemaker-2017-07-24.json`.

use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_types::error::ErrorMetadata;
use sagemaker::client::Waiters;
use sagemaker::config::{Credentials, Region};
use sagemaker::operation::describe_endpoint::{DescribeEndpointError, DescribeEndpointInput, DescribeEndpointOutput};
use sagemaker::server::{self, SageMaker, ServerHandle};
use sagemaker::types::EndpointStatus;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An endpoint whose status `DescribeEndpoint` answers one poll at a time (the last repeats).
#[derive(Clone, Default)]
struct Endpoint {
    statuses: Arc<Mutex<VecDeque<EndpointStatus>>>,
    /// The endpoint name of every `DescribeEndpoint` call.
    seen: Arc<Mutex<Vec<Option<String>>>>,
}

impl Endpoint {
    fn answering(statuses: Vec<EndpointStatus>) -> Self {
        Endpoint { statuses: Arc::new(Mutex::new(statuses.into())), ..Default::default() }
    }
}

/// The operations these tests do not call answer an unmodeled error naming themselves.
macro_rules! not_served {
    ($($method:ident: $module:ident :: $input:ident => $output:ident, $error:ident;)*) => {
        $(
            async fn $method(&self, _input: sagemaker::operation::$module::$input) -> Result<sagemaker::operation::$module::$output, sagemaker::operation::$module::$error> {
                Err(sagemaker::operation::$module::$error::generic(
                    ErrorMetadata::builder().code("NotServedHere").message(stringify!($method)).build(),
                ))
            }
        )*
    };
}

impl SageMaker for Endpoint {
    async fn describe_endpoint(&self, input: DescribeEndpointInput) -> Result<DescribeEndpointOutput, DescribeEndpointError> {
        self.seen.lock().unwrap().push(input.endpoint_name.clone());
        let status = {
            let mut statuses = self.statuses.lock().unwrap();
            if statuses.len() > 1 { statuses.pop_front().unwrap() } else { statuses.front().cloned().expect("a status is scripted") }
        };
        let name = input.endpoint_name.unwrap_or_default();
        Ok(DescribeEndpointOutput::builder()
            .endpoint_arn(format!("arn:aws:sagemaker:us-east-1:123456789012:endpoint/{name}"))
            .endpoint_name(name)
            .endpoint_status(status)
            .creation_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .last_modified_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .build())
    }

    not_served! {
        add_association: add_association::AddAssociationInput => AddAssociationOutput, AddAssociationError;
        add_tags: add_tags::AddTagsInput => AddTagsOutput, AddTagsError;
        associate_trial_component: associate_trial_component::AssociateTrialComponentInput => AssociateTrialComponentOutput, AssociateTrialComponentError;
        batch_delete_cluster_nodes: batch_delete_cluster_nodes::BatchDeleteClusterNodesInput => BatchDeleteClusterNodesOutput, BatchDeleteClusterNodesError;
        batch_describe_model_package: batch_describe_model_package::BatchDescribeModelPackageInput => BatchDescribeModelPackageOutput, BatchDescribeModelPackageError;
        create_action: create_action::CreateActionInput => CreateActionOutput, CreateActionError;
        create_algorithm: create_algorithm::CreateAlgorithmInput => CreateAlgorithmOutput, CreateAlgorithmError;
        create_app: create_app::CreateAppInput => CreateAppOutput, CreateAppError;
        create_app_image_config: create_app_image_config::CreateAppImageConfigInput => CreateAppImageConfigOutput, CreateAppImageConfigError;
        create_artifact: create_artifact::CreateArtifactInput => CreateArtifactOutput, CreateArtifactError;
        create_auto_ml_job: create_auto_ml_job::CreateAutoMLJobInput => CreateAutoMLJobOutput, CreateAutoMLJobError;
        create_auto_ml_job_v2: create_auto_ml_job_v2::CreateAutoMLJobV2Input => CreateAutoMLJobV2Output, CreateAutoMLJobV2Error;
        create_cluster: create_cluster::CreateClusterInput => CreateClusterOutput, CreateClusterError;
        create_cluster_scheduler_config: create_cluster_scheduler_config::CreateClusterSchedulerConfigInput => CreateClusterSchedulerConfigOutput, CreateClusterSchedulerConfigError;
        create_code_repository: create_code_repository::CreateCodeRepositoryInput => CreateCodeRepositoryOutput, CreateCodeRepositoryError;
        create_compilation_job: create_compilation_job::CreateCompilationJobInput => CreateCompilationJobOutput, CreateCompilationJobError;
        create_compute_quota: create_compute_quota::CreateComputeQuotaInput => CreateComputeQuotaOutput, CreateComputeQuotaError;
        create_context: create_context::CreateContextInput => CreateContextOutput, CreateContextError;
        create_data_quality_job_definition: create_data_quality_job_definition::CreateDataQualityJobDefinitionInput => CreateDataQualityJobDefinitionOutput, CreateDataQualityJobDefinitionError;
        create_device_fleet: create_device_fleet::CreateDeviceFleetInput => CreateDeviceFleetOutput, CreateDeviceFleetError;
        create_domain: create_domain::CreateDomainInput => CreateDomainOutput, CreateDomainError;
        create_edge_deployment_plan: create_edge_deployment_plan::CreateEdgeDeploymentPlanInput => CreateEdgeDeploymentPlanOutput, CreateEdgeDeploymentPlanError;
        create_edge_deployment_stage: create_edge_deployment_stage::CreateEdgeDeploymentStageInput => CreateEdgeDeploymentStageOutput, CreateEdgeDeploymentStageError;
        create_edge_packaging_job: create_edge_packaging_job::CreateEdgePackagingJobInput => CreateEdgePackagingJobOutput, CreateEdgePackagingJobError;
        create_endpoint: create_endpoint::CreateEndpointInput => CreateEndpointOutput, CreateEndpointError;
        create_endpoint_config: create_endpoint_config::CreateEndpointConfigInput => CreateEndpointConfigOutput, CreateEndpointConfigError;
        create_experiment: create_experiment::CreateExperimentInput => CreateExperimentOutput, CreateExperimentError;
        create_feature_group: create_feature_group::CreateFeatureGroupInput => CreateFeatureGroupOutput, CreateFeatureGroupError;
        create_flow_definition: create_flow_definition::CreateFlowDefinitionInput => CreateFlowDefinitionOutput, CreateFlowDefinitionError;
        create_hub: create_hub::CreateHubInput => CreateHubOutput, CreateHubError;
        create_hub_content_reference: create_hub_content_reference::CreateHubContentReferenceInput => CreateHubContentReferenceOutput, CreateHubContentReferenceError;
        create_human_task_ui: create_human_task_ui::CreateHumanTaskUiInput => CreateHumanTaskUiOutput, CreateHumanTaskUiError;
        create_hyper_parameter_tuning_job: create_hyper_parameter_tuning_job::CreateHyperParameterTuningJobInput => CreateHyperParameterTuningJobOutput, CreateHyperParameterTuningJobError;
        create_image: create_image::CreateImageInput => CreateImageOutput, CreateImageError;
        create_image_version: create_image_version::CreateImageVersionInput => CreateImageVersionOutput, CreateImageVersionError;
        create_inference_component: create_inference_component::CreateInferenceComponentInput => CreateInferenceComponentOutput, CreateInferenceComponentError;
        create_inference_experiment: create_inference_experiment::CreateInferenceExperimentInput => CreateInferenceExperimentOutput, CreateInferenceExperimentError;
        create_inference_recommendations_job: create_inference_recommendations_job::CreateInferenceRecommendationsJobInput => CreateInferenceRecommendationsJobOutput, CreateInferenceRecommendationsJobError;
        create_labeling_job: create_labeling_job::CreateLabelingJobInput => CreateLabelingJobOutput, CreateLabelingJobError;
        create_mlflow_tracking_server: create_mlflow_tracking_server::CreateMlflowTrackingServerInput => CreateMlflowTrackingServerOutput, CreateMlflowTrackingServerError;
        create_model: create_model::CreateModelInput => CreateModelOutput, CreateModelError;
        create_model_bias_job_definition: create_model_bias_job_definition::CreateModelBiasJobDefinitionInput => CreateModelBiasJobDefinitionOutput, CreateModelBiasJobDefinitionError;
        create_model_card: create_model_card::CreateModelCardInput => CreateModelCardOutput, CreateModelCardError;
        create_model_card_export_job: create_model_card_export_job::CreateModelCardExportJobInput => CreateModelCardExportJobOutput, CreateModelCardExportJobError;
        create_model_explainability_job_definition: create_model_explainability_job_definition::CreateModelExplainabilityJobDefinitionInput => CreateModelExplainabilityJobDefinitionOutput, CreateModelExplainabilityJobDefinitionError;
        create_model_package: create_model_package::CreateModelPackageInput => CreateModelPackageOutput, CreateModelPackageError;
        create_model_package_group: create_model_package_group::CreateModelPackageGroupInput => CreateModelPackageGroupOutput, CreateModelPackageGroupError;
        create_model_quality_job_definition: create_model_quality_job_definition::CreateModelQualityJobDefinitionInput => CreateModelQualityJobDefinitionOutput, CreateModelQualityJobDefinitionError;
        create_monitoring_schedule: create_monitoring_schedule::CreateMonitoringScheduleInput => CreateMonitoringScheduleOutput, CreateMonitoringScheduleError;
        create_notebook_instance: create_notebook_instance::CreateNotebookInstanceInput => CreateNotebookInstanceOutput, CreateNotebookInstanceError;
        create_notebook_instance_lifecycle_config: create_notebook_instance_lifecycle_config::CreateNotebookInstanceLifecycleConfigInput => CreateNotebookInstanceLifecycleConfigOutput, CreateNotebookInstanceLifecycleConfigError;
        create_optimization_job: create_optimization_job::CreateOptimizationJobInput => CreateOptimizationJobOutput, CreateOptimizationJobError;
        create_partner_app: create_partner_app::CreatePartnerAppInput => CreatePartnerAppOutput, CreatePartnerAppError;
        create_partner_app_presigned_url: create_partner_app_presigned_url::CreatePartnerAppPresignedUrlInput => CreatePartnerAppPresignedUrlOutput, CreatePartnerAppPresignedUrlError;
        create_pipeline: create_pipeline::CreatePipelineInput => CreatePipelineOutput, CreatePipelineError;
        create_presigned_domain_url: create_presigned_domain_url::CreatePresignedDomainUrlInput => CreatePresignedDomainUrlOutput, CreatePresignedDomainUrlError;
        create_presigned_mlflow_tracking_server_url: create_presigned_mlflow_tracking_server_url::CreatePresignedMlflowTrackingServerUrlInput => CreatePresignedMlflowTrackingServerUrlOutput, CreatePresignedMlflowTrackingServerUrlError;
        create_presigned_notebook_instance_url: create_presigned_notebook_instance_url::CreatePresignedNotebookInstanceUrlInput => CreatePresignedNotebookInstanceUrlOutput, CreatePresignedNotebookInstanceUrlError;
        create_processing_job: create_processing_job::CreateProcessingJobInput => CreateProcessingJobOutput, CreateProcessingJobError;
        create_project: create_project::CreateProjectInput => CreateProjectOutput, CreateProjectError;
        create_space: create_space::CreateSpaceInput => CreateSpaceOutput, CreateSpaceError;
        create_studio_lifecycle_config: create_studio_lifecycle_config::CreateStudioLifecycleConfigInput => CreateStudioLifecycleConfigOutput, CreateStudioLifecycleConfigError;
        create_training_job: create_training_job::CreateTrainingJobInput => CreateTrainingJobOutput, CreateTrainingJobError;
        create_training_plan: create_training_plan::CreateTrainingPlanInput => CreateTrainingPlanOutput, CreateTrainingPlanError;
        create_transform_job: create_transform_job::CreateTransformJobInput => CreateTransformJobOutput, CreateTransformJobError;
        create_trial: create_trial::CreateTrialInput => CreateTrialOutput, CreateTrialError;
        create_trial_component: create_trial_component::CreateTrialComponentInput => CreateTrialComponentOutput, CreateTrialComponentError;
        create_user_profile: create_user_profile::CreateUserProfileInput => CreateUserProfileOutput, CreateUserProfileError;
        create_workforce: create_workforce::CreateWorkforceInput => CreateWorkforceOutput, CreateWorkforceError;
        create_workteam: create_workteam::CreateWorkteamInput => CreateWorkteamOutput, CreateWorkteamError;
        delete_action: delete_action::DeleteActionInput => DeleteActionOutput, DeleteActionError;
        delete_algorithm: delete_algorithm::DeleteAlgorithmInput => DeleteAlgorithmOutput, DeleteAlgorithmError;
        delete_app: delete_app::DeleteAppInput => DeleteAppOutput, DeleteAppError;
        delete_app_image_config: delete_app_image_config::DeleteAppImageConfigInput => DeleteAppImageConfigOutput, DeleteAppImageConfigError;
        delete_artifact: delete_artifact::DeleteArtifactInput => DeleteArtifactOutput, DeleteArtifactError;
        delete_association: delete_association::DeleteAssociationInput => DeleteAssociationOutput, DeleteAssociationError;
        delete_cluster: delete_cluster::DeleteClusterInput => DeleteClusterOutput, DeleteClusterError;
        delete_cluster_scheduler_config: delete_cluster_scheduler_config::DeleteClusterSchedulerConfigInput => DeleteClusterSchedulerConfigOutput, DeleteClusterSchedulerConfigError;
        delete_code_repository: delete_code_repository::DeleteCodeRepositoryInput => DeleteCodeRepositoryOutput, DeleteCodeRepositoryError;
        delete_compilation_job: delete_compilation_job::DeleteCompilationJobInput => DeleteCompilationJobOutput, DeleteCompilationJobError;
        delete_compute_quota: delete_compute_quota::DeleteComputeQuotaInput => DeleteComputeQuotaOutput, DeleteComputeQuotaError;
        delete_context: delete_context::DeleteContextInput => DeleteContextOutput, DeleteContextError;
        delete_data_quality_job_definition: delete_data_quality_job_definition::DeleteDataQualityJobDefinitionInput => DeleteDataQualityJobDefinitionOutput, DeleteDataQualityJobDefinitionError;
        delete_device_fleet: delete_device_fleet::DeleteDeviceFleetInput => DeleteDeviceFleetOutput, DeleteDeviceFleetError;
        delete_domain: delete_domain::DeleteDomainInput => DeleteDomainOutput, DeleteDomainError;
        delete_edge_deployment_plan: delete_edge_deployment_plan::DeleteEdgeDeploymentPlanInput => DeleteEdgeDeploymentPlanOutput, DeleteEdgeDeploymentPlanError;
        delete_edge_deployment_stage: delete_edge_deployment_stage::DeleteEdgeDeploymentStageInput => DeleteEdgeDeploymentStageOutput, DeleteEdgeDeploymentStageError;
        delete_endpoint: delete_endpoint::DeleteEndpointInput => DeleteEndpointOutput, DeleteEndpointError;
        delete_endpoint_config: delete_endpoint_config::DeleteEndpointConfigInput => DeleteEndpointConfigOutput, DeleteEndpointConfigError;
        delete_experiment: delete_experiment::DeleteExperimentInput => DeleteExperimentOutput, DeleteExperimentError;
        delete_feature_group: delete_feature_group::DeleteFeatureGroupInput => DeleteFeatureGroupOutput, DeleteFeatureGroupError;
        delete_flow_definition: delete_flow_definition::DeleteFlowDefinitionInput => DeleteFlowDefinitionOutput, DeleteFlowDefinitionError;
        delete_hub: delete_hub::DeleteHubInput => DeleteHubOutput, DeleteHubError;
        delete_hub_content: delete_hub_content::DeleteHubContentInput => DeleteHubContentOutput, DeleteHubContentError;
        delete_hub_content_reference: delete_hub_content_reference::DeleteHubContentReferenceInput => DeleteHubContentReferenceOutput, DeleteHubContentReferenceError;
        delete_human_task_ui: delete_human_task_ui::DeleteHumanTaskUiInput => DeleteHumanTaskUiOutput, DeleteHumanTaskUiError;
        delete_hyper_parameter_tuning_job: delete_hyper_parameter_tuning_job::DeleteHyperParameterTuningJobInput => DeleteHyperParameterTuningJobOutput, DeleteHyperParameterTuningJobError;
        delete_image: delete_image::DeleteImageInput => DeleteImageOutput, DeleteImageError;
        delete_image_version: delete_image_version::DeleteImageVersionInput => DeleteImageVersionOutput, DeleteImageVersionError;
        delete_inference_component: delete_inference_component::DeleteInferenceComponentInput => DeleteInferenceComponentOutput, DeleteInferenceComponentError;
        delete_inference_experiment: delete_inference_experiment::DeleteInferenceExperimentInput => DeleteInferenceExperimentOutput, DeleteInferenceExperimentError;
        delete_mlflow_tracking_server: delete_mlflow_tracking_server::DeleteMlflowTrackingServerInput => DeleteMlflowTrackingServerOutput, DeleteMlflowTrackingServerError;
        delete_model: delete_model::DeleteModelInput => DeleteModelOutput, DeleteModelError;
        delete_model_bias_job_definition: delete_model_bias_job_definition::DeleteModelBiasJobDefinitionInput => DeleteModelBiasJobDefinitionOutput, DeleteModelBiasJobDefinitionError;
        delete_model_card: delete_model_card::DeleteModelCardInput => DeleteModelCardOutput, DeleteModelCardError;
        delete_model_explainability_job_definition: delete_model_explainability_job_definition::DeleteModelExplainabilityJobDefinitionInput => DeleteModelExplainabilityJobDefinitionOutput, DeleteModelExplainabilityJobDefinitionError;
        delete_model_package: delete_model_package::DeleteModelPackageInput => DeleteModelPackageOutput, DeleteModelPackageError;
        delete_model_package_group: delete_model_package_group::DeleteModelPackageGroupInput => DeleteModelPackageGroupOutput, DeleteModelPackageGroupError;
        delete_model_package_group_policy: delete_model_package_group_policy::DeleteModelPackageGroupPolicyInput => DeleteModelPackageGroupPolicyOutput, DeleteModelPackageGroupPolicyError;
        delete_model_quality_job_definition: delete_model_quality_job_definition::DeleteModelQualityJobDefinitionInput => DeleteModelQualityJobDefinitionOutput, DeleteModelQualityJobDefinitionError;
        delete_monitoring_schedule: delete_monitoring_schedule::DeleteMonitoringScheduleInput => DeleteMonitoringScheduleOutput, DeleteMonitoringScheduleError;
        delete_notebook_instance: delete_notebook_instance::DeleteNotebookInstanceInput => DeleteNotebookInstanceOutput, DeleteNotebookInstanceError;
        delete_notebook_instance_lifecycle_config: delete_notebook_instance_lifecycle_config::DeleteNotebookInstanceLifecycleConfigInput => DeleteNotebookInstanceLifecycleConfigOutput, DeleteNotebookInstanceLifecycleConfigError;
        delete_optimization_job: delete_optimization_job::DeleteOptimizationJobInput => DeleteOptimizationJobOutput, DeleteOptimizationJobError;
        delete_partner_app: delete_partner_app::DeletePartnerAppInput => DeletePartnerAppOutput, DeletePartnerAppError;
        delete_pipeline: delete_pipeline::DeletePipelineInput => DeletePipelineOutput, DeletePipelineError;
        delete_project: delete_project::DeleteProjectInput => DeleteProjectOutput, DeleteProjectError;
        delete_space: delete_space::DeleteSpaceInput => DeleteSpaceOutput, DeleteSpaceError;
        delete_studio_lifecycle_config: delete_studio_lifecycle_config::DeleteStudioLifecycleConfigInput => DeleteStudioLifecycleConfigOutput, DeleteStudioLifecycleConfigError;
        delete_tags: delete_tags::DeleteTagsInput => DeleteTagsOutput, DeleteTagsError;
        delete_trial: delete_trial::DeleteTrialInput => DeleteTrialOutput, DeleteTrialError;
        delete_trial_component: delete_trial_component::DeleteTrialComponentInput => DeleteTrialComponentOutput, DeleteTrialComponentError;
        delete_user_profile: delete_user_profile::DeleteUserProfileInput => DeleteUserProfileOutput, DeleteUserProfileError;
        delete_workforce: delete_workforce::DeleteWorkforceInput => DeleteWorkforceOutput, DeleteWorkforceError;
        delete_workteam: delete_workteam::DeleteWorkteamInput => DeleteWorkteamOutput, DeleteWorkteamError;
        deregister_devices: deregister_devices::DeregisterDevicesInput => DeregisterDevicesOutput, DeregisterDevicesError;
        describe_action: describe_action::DescribeActionInput => DescribeActionOutput, DescribeActionError;
        describe_algorithm: describe_algorithm::DescribeAlgorithmInput => DescribeAlgorithmOutput, DescribeAlgorithmError;
        describe_app: describe_app::DescribeAppInput => DescribeAppOutput, DescribeAppError;
        describe_app_image_config: describe_app_image_config::DescribeAppImageConfigInput => DescribeAppImageConfigOutput, DescribeAppImageConfigError;
        describe_artifact: describe_artifact::DescribeArtifactInput => DescribeArtifactOutput, DescribeArtifactError;
        describe_auto_ml_job: describe_auto_ml_job::DescribeAutoMLJobInput => DescribeAutoMLJobOutput, DescribeAutoMLJobError;
        describe_auto_ml_job_v2: describe_auto_ml_job_v2::DescribeAutoMLJobV2Input => DescribeAutoMLJobV2Output, DescribeAutoMLJobV2Error;
        describe_cluster: describe_cluster::DescribeClusterInput => DescribeClusterOutput, DescribeClusterError;
        describe_cluster_node: describe_cluster_node::DescribeClusterNodeInput => DescribeClusterNodeOutput, DescribeClusterNodeError;
        describe_cluster_scheduler_config: describe_cluster_scheduler_config::DescribeClusterSchedulerConfigInput => DescribeClusterSchedulerConfigOutput, DescribeClusterSchedulerConfigError;
        describe_code_repository: describe_code_repository::DescribeCodeRepositoryInput => DescribeCodeRepositoryOutput, DescribeCodeRepositoryError;
        describe_compilation_job: describe_compilation_job::DescribeCompilationJobInput => DescribeCompilationJobOutput, DescribeCompilationJobError;
        describe_compute_quota: describe_compute_quota::DescribeComputeQuotaInput => DescribeComputeQuotaOutput, DescribeComputeQuotaError;
        describe_context: describe_context::DescribeContextInput => DescribeContextOutput, DescribeContextError;
        describe_data_quality_job_definition: describe_data_quality_job_definition::DescribeDataQualityJobDefinitionInput => DescribeDataQualityJobDefinitionOutput, DescribeDataQualityJobDefinitionError;
        describe_device: describe_device::DescribeDeviceInput => DescribeDeviceOutput, DescribeDeviceError;
        describe_device_fleet: describe_device_fleet::DescribeDeviceFleetInput => DescribeDeviceFleetOutput, DescribeDeviceFleetError;
        describe_domain: describe_domain::DescribeDomainInput => DescribeDomainOutput, DescribeDomainError;
        describe_edge_deployment_plan: describe_edge_deployment_plan::DescribeEdgeDeploymentPlanInput => DescribeEdgeDeploymentPlanOutput, DescribeEdgeDeploymentPlanError;
        describe_edge_packaging_job: describe_edge_packaging_job::DescribeEdgePackagingJobInput => DescribeEdgePackagingJobOutput, DescribeEdgePackagingJobError;
        describe_endpoint_config: describe_endpoint_config::DescribeEndpointConfigInput => DescribeEndpointConfigOutput, DescribeEndpointConfigError;
        describe_experiment: describe_experiment::DescribeExperimentInput => DescribeExperimentOutput, DescribeExperimentError;
        describe_feature_group: describe_feature_group::DescribeFeatureGroupInput => DescribeFeatureGroupOutput, DescribeFeatureGroupError;
        describe_feature_metadata: describe_feature_metadata::DescribeFeatureMetadataInput => DescribeFeatureMetadataOutput, DescribeFeatureMetadataError;
        describe_flow_definition: describe_flow_definition::DescribeFlowDefinitionInput => DescribeFlowDefinitionOutput, DescribeFlowDefinitionError;
        describe_hub: describe_hub::DescribeHubInput => DescribeHubOutput, DescribeHubError;
        describe_hub_content: describe_hub_content::DescribeHubContentInput => DescribeHubContentOutput, DescribeHubContentError;
        describe_human_task_ui: describe_human_task_ui::DescribeHumanTaskUiInput => DescribeHumanTaskUiOutput, DescribeHumanTaskUiError;
        describe_hyper_parameter_tuning_job: describe_hyper_parameter_tuning_job::DescribeHyperParameterTuningJobInput => DescribeHyperParameterTuningJobOutput, DescribeHyperParameterTuningJobError;
        describe_image: describe_image::DescribeImageInput => DescribeImageOutput, DescribeImageError;
        describe_image_version: describe_image_version::DescribeImageVersionInput => DescribeImageVersionOutput, DescribeImageVersionError;
        describe_inference_component: describe_inference_component::DescribeInferenceComponentInput => DescribeInferenceComponentOutput, DescribeInferenceComponentError;
        describe_inference_experiment: describe_inference_experiment::DescribeInferenceExperimentInput => DescribeInferenceExperimentOutput, DescribeInferenceExperimentError;
        describe_inference_recommendations_job: describe_inference_recommendations_job::DescribeInferenceRecommendationsJobInput => DescribeInferenceRecommendationsJobOutput, DescribeInferenceRecommendationsJobError;
        describe_labeling_job: describe_labeling_job::DescribeLabelingJobInput => DescribeLabelingJobOutput, DescribeLabelingJobError;
        describe_lineage_group: describe_lineage_group::DescribeLineageGroupInput => DescribeLineageGroupOutput, DescribeLineageGroupError;
        describe_mlflow_tracking_server: describe_mlflow_tracking_server::DescribeMlflowTrackingServerInput => DescribeMlflowTrackingServerOutput, DescribeMlflowTrackingServerError;
        describe_model: describe_model::DescribeModelInput => DescribeModelOutput, DescribeModelError;
        describe_model_bias_job_definition: describe_model_bias_job_definition::DescribeModelBiasJobDefinitionInput => DescribeModelBiasJobDefinitionOutput, DescribeModelBiasJobDefinitionError;
        describe_model_card: describe_model_card::DescribeModelCardInput => DescribeModelCardOutput, DescribeModelCardError;
        describe_model_card_export_job: describe_model_card_export_job::DescribeModelCardExportJobInput => DescribeModelCardExportJobOutput, DescribeModelCardExportJobError;
        describe_model_explainability_job_definition: describe_model_explainability_job_definition::DescribeModelExplainabilityJobDefinitionInput => DescribeModelExplainabilityJobDefinitionOutput, DescribeModelExplainabilityJobDefinitionError;
        describe_model_package: describe_model_package::DescribeModelPackageInput => DescribeModelPackageOutput, DescribeModelPackageError;
        describe_model_package_group: describe_model_package_group::DescribeModelPackageGroupInput => DescribeModelPackageGroupOutput, DescribeModelPackageGroupError;
        describe_model_quality_job_definition: describe_model_quality_job_definition::DescribeModelQualityJobDefinitionInput => DescribeModelQualityJobDefinitionOutput, DescribeModelQualityJobDefinitionError;
        describe_monitoring_schedule: describe_monitoring_schedule::DescribeMonitoringScheduleInput => DescribeMonitoringScheduleOutput, DescribeMonitoringScheduleError;
        describe_notebook_instance: describe_notebook_instance::DescribeNotebookInstanceInput => DescribeNotebookInstanceOutput, DescribeNotebookInstanceError;
        describe_notebook_instance_lifecycle_config: describe_notebook_instance_lifecycle_config::DescribeNotebookInstanceLifecycleConfigInput => DescribeNotebookInstanceLifecycleConfigOutput, DescribeNotebookInstanceLifecycleConfigError;
        describe_optimization_job: describe_optimization_job::DescribeOptimizationJobInput => DescribeOptimizationJobOutput, DescribeOptimizationJobError;
        describe_partner_app: describe_partner_app::DescribePartnerAppInput => DescribePartnerAppOutput, DescribePartnerAppError;
        describe_pipeline: describe_pipeline::DescribePipelineInput => DescribePipelineOutput, DescribePipelineError;
        describe_pipeline_definition_for_execution: describe_pipeline_definition_for_execution::DescribePipelineDefinitionForExecutionInput => DescribePipelineDefinitionForExecutionOutput, DescribePipelineDefinitionForExecutionError;
        describe_pipeline_execution: describe_pipeline_execution::DescribePipelineExecutionInput => DescribePipelineExecutionOutput, DescribePipelineExecutionError;
        describe_processing_job: describe_processing_job::DescribeProcessingJobInput => DescribeProcessingJobOutput, DescribeProcessingJobError;
        describe_project: describe_project::DescribeProjectInput => DescribeProjectOutput, DescribeProjectError;
        describe_space: describe_space::DescribeSpaceInput => DescribeSpaceOutput, DescribeSpaceError;
        describe_studio_lifecycle_config: describe_studio_lifecycle_config::DescribeStudioLifecycleConfigInput => DescribeStudioLifecycleConfigOutput, DescribeStudioLifecycleConfigError;
        describe_subscribed_workteam: describe_subscribed_workteam::DescribeSubscribedWorkteamInput => DescribeSubscribedWorkteamOutput, DescribeSubscribedWorkteamError;
        describe_training_job: describe_training_job::DescribeTrainingJobInput => DescribeTrainingJobOutput, DescribeTrainingJobError;
        describe_training_plan: describe_training_plan::DescribeTrainingPlanInput => DescribeTrainingPlanOutput, DescribeTrainingPlanError;
        describe_transform_job: describe_transform_job::DescribeTransformJobInput => DescribeTransformJobOutput, DescribeTransformJobError;
        describe_trial: describe_trial::DescribeTrialInput => DescribeTrialOutput, DescribeTrialError;
        describe_trial_component: describe_trial_component::DescribeTrialComponentInput => DescribeTrialComponentOutput, DescribeTrialComponentError;
        describe_user_profile: describe_user_profile::DescribeUserProfileInput => DescribeUserProfileOutput, DescribeUserProfileError;
        describe_workforce: describe_workforce::DescribeWorkforceInput => DescribeWorkforceOutput, DescribeWorkforceError;
        describe_workteam: describe_workteam::DescribeWorkteamInput => DescribeWorkteamOutput, DescribeWorkteamError;
        disable_sagemaker_servicecatalog_portfolio: disable_sagemaker_servicecatalog_portfolio::DisableSagemakerServicecatalogPortfolioInput => DisableSagemakerServicecatalogPortfolioOutput, DisableSagemakerServicecatalogPortfolioError;
        disassociate_trial_component: disassociate_trial_component::DisassociateTrialComponentInput => DisassociateTrialComponentOutput, DisassociateTrialComponentError;
        enable_sagemaker_servicecatalog_portfolio: enable_sagemaker_servicecatalog_portfolio::EnableSagemakerServicecatalogPortfolioInput => EnableSagemakerServicecatalogPortfolioOutput, EnableSagemakerServicecatalogPortfolioError;
        get_device_fleet_report: get_device_fleet_report::GetDeviceFleetReportInput => GetDeviceFleetReportOutput, GetDeviceFleetReportError;
        get_lineage_group_policy: get_lineage_group_policy::GetLineageGroupPolicyInput => GetLineageGroupPolicyOutput, GetLineageGroupPolicyError;
        get_model_package_group_policy: get_model_package_group_policy::GetModelPackageGroupPolicyInput => GetModelPackageGroupPolicyOutput, GetModelPackageGroupPolicyError;
        get_sagemaker_servicecatalog_portfolio_status: get_sagemaker_servicecatalog_portfolio_status::GetSagemakerServicecatalogPortfolioStatusInput => GetSagemakerServicecatalogPortfolioStatusOutput, GetSagemakerServicecatalogPortfolioStatusError;
        get_scaling_configuration_recommendation: get_scaling_configuration_recommendation::GetScalingConfigurationRecommendationInput => GetScalingConfigurationRecommendationOutput, GetScalingConfigurationRecommendationError;
        get_search_suggestions: get_search_suggestions::GetSearchSuggestionsInput => GetSearchSuggestionsOutput, GetSearchSuggestionsError;
        import_hub_content: import_hub_content::ImportHubContentInput => ImportHubContentOutput, ImportHubContentError;
        list_actions: list_actions::ListActionsInput => ListActionsOutput, ListActionsError;
        list_algorithms: list_algorithms::ListAlgorithmsInput => ListAlgorithmsOutput, ListAlgorithmsError;
        list_aliases: list_aliases::ListAliasesInput => ListAliasesOutput, ListAliasesError;
        list_app_image_configs: list_app_image_configs::ListAppImageConfigsInput => ListAppImageConfigsOutput, ListAppImageConfigsError;
        list_apps: list_apps::ListAppsInput => ListAppsOutput, ListAppsError;
        list_artifacts: list_artifacts::ListArtifactsInput => ListArtifactsOutput, ListArtifactsError;
        list_associations: list_associations::ListAssociationsInput => ListAssociationsOutput, ListAssociationsError;
        list_auto_ml_jobs: list_auto_ml_jobs::ListAutoMLJobsInput => ListAutoMLJobsOutput, ListAutoMLJobsError;
        list_candidates_for_auto_ml_job: list_candidates_for_auto_ml_job::ListCandidatesForAutoMLJobInput => ListCandidatesForAutoMLJobOutput, ListCandidatesForAutoMLJobError;
        list_cluster_nodes: list_cluster_nodes::ListClusterNodesInput => ListClusterNodesOutput, ListClusterNodesError;
        list_cluster_scheduler_configs: list_cluster_scheduler_configs::ListClusterSchedulerConfigsInput => ListClusterSchedulerConfigsOutput, ListClusterSchedulerConfigsError;
        list_clusters: list_clusters::ListClustersInput => ListClustersOutput, ListClustersError;
        list_code_repositories: list_code_repositories::ListCodeRepositoriesInput => ListCodeRepositoriesOutput, ListCodeRepositoriesError;
        list_compilation_jobs: list_compilation_jobs::ListCompilationJobsInput => ListCompilationJobsOutput, ListCompilationJobsError;
        list_compute_quotas: list_compute_quotas::ListComputeQuotasInput => ListComputeQuotasOutput, ListComputeQuotasError;
        list_contexts: list_contexts::ListContextsInput => ListContextsOutput, ListContextsError;
        list_data_quality_job_definitions: list_data_quality_job_definitions::ListDataQualityJobDefinitionsInput => ListDataQualityJobDefinitionsOutput, ListDataQualityJobDefinitionsError;
        list_device_fleets: list_device_fleets::ListDeviceFleetsInput => ListDeviceFleetsOutput, ListDeviceFleetsError;
        list_devices: list_devices::ListDevicesInput => ListDevicesOutput, ListDevicesError;
        list_domains: list_domains::ListDomainsInput => ListDomainsOutput, ListDomainsError;
        list_edge_deployment_plans: list_edge_deployment_plans::ListEdgeDeploymentPlansInput => ListEdgeDeploymentPlansOutput, ListEdgeDeploymentPlansError;
        list_edge_packaging_jobs: list_edge_packaging_jobs::ListEdgePackagingJobsInput => ListEdgePackagingJobsOutput, ListEdgePackagingJobsError;
        list_endpoint_configs: list_endpoint_configs::ListEndpointConfigsInput => ListEndpointConfigsOutput, ListEndpointConfigsError;
        list_endpoints: list_endpoints::ListEndpointsInput => ListEndpointsOutput, ListEndpointsError;
        list_experiments: list_experiments::ListExperimentsInput => ListExperimentsOutput, ListExperimentsError;
        list_feature_groups: list_feature_groups::ListFeatureGroupsInput => ListFeatureGroupsOutput, ListFeatureGroupsError;
        list_flow_definitions: list_flow_definitions::ListFlowDefinitionsInput => ListFlowDefinitionsOutput, ListFlowDefinitionsError;
        list_hub_content_versions: list_hub_content_versions::ListHubContentVersionsInput => ListHubContentVersionsOutput, ListHubContentVersionsError;
        list_hub_contents: list_hub_contents::ListHubContentsInput => ListHubContentsOutput, ListHubContentsError;
        list_hubs: list_hubs::ListHubsInput => ListHubsOutput, ListHubsError;
        list_human_task_uis: list_human_task_uis::ListHumanTaskUisInput => ListHumanTaskUisOutput, ListHumanTaskUisError;
        list_hyper_parameter_tuning_jobs: list_hyper_parameter_tuning_jobs::ListHyperParameterTuningJobsInput => ListHyperParameterTuningJobsOutput, ListHyperParameterTuningJobsError;
        list_image_versions: list_image_versions::ListImageVersionsInput => ListImageVersionsOutput, ListImageVersionsError;
        list_images: list_images::ListImagesInput => ListImagesOutput, ListImagesError;
        list_inference_components: list_inference_components::ListInferenceComponentsInput => ListInferenceComponentsOutput, ListInferenceComponentsError;
        list_inference_experiments: list_inference_experiments::ListInferenceExperimentsInput => ListInferenceExperimentsOutput, ListInferenceExperimentsError;
        list_inference_recommendations_job_steps: list_inference_recommendations_job_steps::ListInferenceRecommendationsJobStepsInput => ListInferenceRecommendationsJobStepsOutput, ListInferenceRecommendationsJobStepsError;
        list_inference_recommendations_jobs: list_inference_recommendations_jobs::ListInferenceRecommendationsJobsInput => ListInferenceRecommendationsJobsOutput, ListInferenceRecommendationsJobsError;
        list_labeling_jobs: list_labeling_jobs::ListLabelingJobsInput => ListLabelingJobsOutput, ListLabelingJobsError;
        list_labeling_jobs_for_workteam: list_labeling_jobs_for_workteam::ListLabelingJobsForWorkteamInput => ListLabelingJobsForWorkteamOutput, ListLabelingJobsForWorkteamError;
        list_lineage_groups: list_lineage_groups::ListLineageGroupsInput => ListLineageGroupsOutput, ListLineageGroupsError;
        list_mlflow_tracking_servers: list_mlflow_tracking_servers::ListMlflowTrackingServersInput => ListMlflowTrackingServersOutput, ListMlflowTrackingServersError;
        list_model_bias_job_definitions: list_model_bias_job_definitions::ListModelBiasJobDefinitionsInput => ListModelBiasJobDefinitionsOutput, ListModelBiasJobDefinitionsError;
        list_model_card_export_jobs: list_model_card_export_jobs::ListModelCardExportJobsInput => ListModelCardExportJobsOutput, ListModelCardExportJobsError;
        list_model_card_versions: list_model_card_versions::ListModelCardVersionsInput => ListModelCardVersionsOutput, ListModelCardVersionsError;
        list_model_cards: list_model_cards::ListModelCardsInput => ListModelCardsOutput, ListModelCardsError;
        list_model_explainability_job_definitions: list_model_explainability_job_definitions::ListModelExplainabilityJobDefinitionsInput => ListModelExplainabilityJobDefinitionsOutput, ListModelExplainabilityJobDefinitionsError;
        list_model_metadata: list_model_metadata::ListModelMetadataInput => ListModelMetadataOutput, ListModelMetadataError;
        list_model_package_groups: list_model_package_groups::ListModelPackageGroupsInput => ListModelPackageGroupsOutput, ListModelPackageGroupsError;
        list_model_packages: list_model_packages::ListModelPackagesInput => ListModelPackagesOutput, ListModelPackagesError;
        list_model_quality_job_definitions: list_model_quality_job_definitions::ListModelQualityJobDefinitionsInput => ListModelQualityJobDefinitionsOutput, ListModelQualityJobDefinitionsError;
        list_models: list_models::ListModelsInput => ListModelsOutput, ListModelsError;
        list_monitoring_alert_history: list_monitoring_alert_history::ListMonitoringAlertHistoryInput => ListMonitoringAlertHistoryOutput, ListMonitoringAlertHistoryError;
        list_monitoring_alerts: list_monitoring_alerts::ListMonitoringAlertsInput => ListMonitoringAlertsOutput, ListMonitoringAlertsError;
        list_monitoring_executions: list_monitoring_executions::ListMonitoringExecutionsInput => ListMonitoringExecutionsOutput, ListMonitoringExecutionsError;
        list_monitoring_schedules: list_monitoring_schedules::ListMonitoringSchedulesInput => ListMonitoringSchedulesOutput, ListMonitoringSchedulesError;
        list_notebook_instance_lifecycle_configs: list_notebook_instance_lifecycle_configs::ListNotebookInstanceLifecycleConfigsInput => ListNotebookInstanceLifecycleConfigsOutput, ListNotebookInstanceLifecycleConfigsError;
        list_notebook_instances: list_notebook_instances::ListNotebookInstancesInput => ListNotebookInstancesOutput, ListNotebookInstancesError;
        list_optimization_jobs: list_optimization_jobs::ListOptimizationJobsInput => ListOptimizationJobsOutput, ListOptimizationJobsError;
        list_partner_apps: list_partner_apps::ListPartnerAppsInput => ListPartnerAppsOutput, ListPartnerAppsError;
        list_pipeline_execution_steps: list_pipeline_execution_steps::ListPipelineExecutionStepsInput => ListPipelineExecutionStepsOutput, ListPipelineExecutionStepsError;
        list_pipeline_executions: list_pipeline_executions::ListPipelineExecutionsInput => ListPipelineExecutionsOutput, ListPipelineExecutionsError;
        list_pipeline_parameters_for_execution: list_pipeline_parameters_for_execution::ListPipelineParametersForExecutionInput => ListPipelineParametersForExecutionOutput, ListPipelineParametersForExecutionError;
        list_pipelines: list_pipelines::ListPipelinesInput => ListPipelinesOutput, ListPipelinesError;
        list_processing_jobs: list_processing_jobs::ListProcessingJobsInput => ListProcessingJobsOutput, ListProcessingJobsError;
        list_projects: list_projects::ListProjectsInput => ListProjectsOutput, ListProjectsError;
        list_resource_catalogs: list_resource_catalogs::ListResourceCatalogsInput => ListResourceCatalogsOutput, ListResourceCatalogsError;
        list_spaces: list_spaces::ListSpacesInput => ListSpacesOutput, ListSpacesError;
        list_stage_devices: list_stage_devices::ListStageDevicesInput => ListStageDevicesOutput, ListStageDevicesError;
        list_studio_lifecycle_configs: list_studio_lifecycle_configs::ListStudioLifecycleConfigsInput => ListStudioLifecycleConfigsOutput, ListStudioLifecycleConfigsError;
        list_subscribed_workteams: list_subscribed_workteams::ListSubscribedWorkteamsInput => ListSubscribedWorkteamsOutput, ListSubscribedWorkteamsError;
        list_tags: list_tags::ListTagsInput => ListTagsOutput, ListTagsError;
        list_training_jobs: list_training_jobs::ListTrainingJobsInput => ListTrainingJobsOutput, ListTrainingJobsError;
        list_training_jobs_for_hyper_parameter_tuning_job: list_training_jobs_for_hyper_parameter_tuning_job::ListTrainingJobsForHyperParameterTuningJobInput => ListTrainingJobsForHyperParameterTuningJobOutput, ListTrainingJobsForHyperParameterTuningJobError;
        list_training_plans: list_training_plans::ListTrainingPlansInput => ListTrainingPlansOutput, ListTrainingPlansError;
        list_transform_jobs: list_transform_jobs::ListTransformJobsInput => ListTransformJobsOutput, ListTransformJobsError;
        list_trial_components: list_trial_components::ListTrialComponentsInput => ListTrialComponentsOutput, ListTrialComponentsError;
        list_trials: list_trials::ListTrialsInput => ListTrialsOutput, ListTrialsError;
        list_user_profiles: list_user_profiles::ListUserProfilesInput => ListUserProfilesOutput, ListUserProfilesError;
        list_workforces: list_workforces::ListWorkforcesInput => ListWorkforcesOutput, ListWorkforcesError;
        list_workteams: list_workteams::ListWorkteamsInput => ListWorkteamsOutput, ListWorkteamsError;
        put_model_package_group_policy: put_model_package_group_policy::PutModelPackageGroupPolicyInput => PutModelPackageGroupPolicyOutput, PutModelPackageGroupPolicyError;
        query_lineage: query_lineage::QueryLineageInput => QueryLineageOutput, QueryLineageError;
        register_devices: register_devices::RegisterDevicesInput => RegisterDevicesOutput, RegisterDevicesError;
        render_ui_template: render_ui_template::RenderUiTemplateInput => RenderUiTemplateOutput, RenderUiTemplateError;
        retry_pipeline_execution: retry_pipeline_execution::RetryPipelineExecutionInput => RetryPipelineExecutionOutput, RetryPipelineExecutionError;
        search: search::SearchInput => SearchOutput, SearchError;
        search_training_plan_offerings: search_training_plan_offerings::SearchTrainingPlanOfferingsInput => SearchTrainingPlanOfferingsOutput, SearchTrainingPlanOfferingsError;
        send_pipeline_execution_step_failure: send_pipeline_execution_step_failure::SendPipelineExecutionStepFailureInput => SendPipelineExecutionStepFailureOutput, SendPipelineExecutionStepFailureError;
        send_pipeline_execution_step_success: send_pipeline_execution_step_success::SendPipelineExecutionStepSuccessInput => SendPipelineExecutionStepSuccessOutput, SendPipelineExecutionStepSuccessError;
        start_edge_deployment_stage: start_edge_deployment_stage::StartEdgeDeploymentStageInput => StartEdgeDeploymentStageOutput, StartEdgeDeploymentStageError;
        start_inference_experiment: start_inference_experiment::StartInferenceExperimentInput => StartInferenceExperimentOutput, StartInferenceExperimentError;
        start_mlflow_tracking_server: start_mlflow_tracking_server::StartMlflowTrackingServerInput => StartMlflowTrackingServerOutput, StartMlflowTrackingServerError;
        start_monitoring_schedule: start_monitoring_schedule::StartMonitoringScheduleInput => StartMonitoringScheduleOutput, StartMonitoringScheduleError;
        start_notebook_instance: start_notebook_instance::StartNotebookInstanceInput => StartNotebookInstanceOutput, StartNotebookInstanceError;
        start_pipeline_execution: start_pipeline_execution::StartPipelineExecutionInput => StartPipelineExecutionOutput, StartPipelineExecutionError;
        stop_auto_ml_job: stop_auto_ml_job::StopAutoMLJobInput => StopAutoMLJobOutput, StopAutoMLJobError;
        stop_compilation_job: stop_compilation_job::StopCompilationJobInput => StopCompilationJobOutput, StopCompilationJobError;
        stop_edge_deployment_stage: stop_edge_deployment_stage::StopEdgeDeploymentStageInput => StopEdgeDeploymentStageOutput, StopEdgeDeploymentStageError;
        stop_edge_packaging_job: stop_edge_packaging_job::StopEdgePackagingJobInput => StopEdgePackagingJobOutput, StopEdgePackagingJobError;
        stop_hyper_parameter_tuning_job: stop_hyper_parameter_tuning_job::StopHyperParameterTuningJobInput => StopHyperParameterTuningJobOutput, StopHyperParameterTuningJobError;
        stop_inference_experiment: stop_inference_experiment::StopInferenceExperimentInput => StopInferenceExperimentOutput, StopInferenceExperimentError;
        stop_inference_recommendations_job: stop_inference_recommendations_job::StopInferenceRecommendationsJobInput => StopInferenceRecommendationsJobOutput, StopInferenceRecommendationsJobError;
        stop_labeling_job: stop_labeling_job::StopLabelingJobInput => StopLabelingJobOutput, StopLabelingJobError;
        stop_mlflow_tracking_server: stop_mlflow_tracking_server::StopMlflowTrackingServerInput => StopMlflowTrackingServerOutput, StopMlflowTrackingServerError;
        stop_monitoring_schedule: stop_monitoring_schedule::StopMonitoringScheduleInput => StopMonitoringScheduleOutput, StopMonitoringScheduleError;
        stop_notebook_instance: stop_notebook_instance::StopNotebookInstanceInput => StopNotebookInstanceOutput, StopNotebookInstanceError;
        stop_optimization_job: stop_optimization_job::StopOptimizationJobInput => StopOptimizationJobOutput, StopOptimizationJobError;
        stop_pipeline_execution: stop_pipeline_execution::StopPipelineExecutionInput => StopPipelineExecutionOutput, StopPipelineExecutionError;
        stop_processing_job: stop_processing_job::StopProcessingJobInput => StopProcessingJobOutput, StopProcessingJobError;
        stop_training_job: stop_training_job::StopTrainingJobInput => StopTrainingJobOutput, StopTrainingJobError;
        stop_transform_job: stop_transform_job::StopTransformJobInput => StopTransformJobOutput, StopTransformJobError;
        update_action: update_action::UpdateActionInput => UpdateActionOutput, UpdateActionError;
        update_app_image_config: update_app_image_config::UpdateAppImageConfigInput => UpdateAppImageConfigOutput, UpdateAppImageConfigError;
        update_artifact: update_artifact::UpdateArtifactInput => UpdateArtifactOutput, UpdateArtifactError;
        update_cluster: update_cluster::UpdateClusterInput => UpdateClusterOutput, UpdateClusterError;
        update_cluster_scheduler_config: update_cluster_scheduler_config::UpdateClusterSchedulerConfigInput => UpdateClusterSchedulerConfigOutput, UpdateClusterSchedulerConfigError;
        update_cluster_software: update_cluster_software::UpdateClusterSoftwareInput => UpdateClusterSoftwareOutput, UpdateClusterSoftwareError;
        update_code_repository: update_code_repository::UpdateCodeRepositoryInput => UpdateCodeRepositoryOutput, UpdateCodeRepositoryError;
        update_compute_quota: update_compute_quota::UpdateComputeQuotaInput => UpdateComputeQuotaOutput, UpdateComputeQuotaError;
        update_context: update_context::UpdateContextInput => UpdateContextOutput, UpdateContextError;
        update_device_fleet: update_device_fleet::UpdateDeviceFleetInput => UpdateDeviceFleetOutput, UpdateDeviceFleetError;
        update_devices: update_devices::UpdateDevicesInput => UpdateDevicesOutput, UpdateDevicesError;
        update_domain: update_domain::UpdateDomainInput => UpdateDomainOutput, UpdateDomainError;
        update_endpoint: update_endpoint::UpdateEndpointInput => UpdateEndpointOutput, UpdateEndpointError;
        update_endpoint_weights_and_capacities: update_endpoint_weights_and_capacities::UpdateEndpointWeightsAndCapacitiesInput => UpdateEndpointWeightsAndCapacitiesOutput, UpdateEndpointWeightsAndCapacitiesError;
        update_experiment: update_experiment::UpdateExperimentInput => UpdateExperimentOutput, UpdateExperimentError;
        update_feature_group: update_feature_group::UpdateFeatureGroupInput => UpdateFeatureGroupOutput, UpdateFeatureGroupError;
        update_feature_metadata: update_feature_metadata::UpdateFeatureMetadataInput => UpdateFeatureMetadataOutput, UpdateFeatureMetadataError;
        update_hub: update_hub::UpdateHubInput => UpdateHubOutput, UpdateHubError;
        update_hub_content: update_hub_content::UpdateHubContentInput => UpdateHubContentOutput, UpdateHubContentError;
        update_hub_content_reference: update_hub_content_reference::UpdateHubContentReferenceInput => UpdateHubContentReferenceOutput, UpdateHubContentReferenceError;
        update_image: update_image::UpdateImageInput => UpdateImageOutput, UpdateImageError;
        update_image_version: update_image_version::UpdateImageVersionInput => UpdateImageVersionOutput, UpdateImageVersionError;
        update_inference_component: update_inference_component::UpdateInferenceComponentInput => UpdateInferenceComponentOutput, UpdateInferenceComponentError;
        update_inference_component_runtime_config: update_inference_component_runtime_config::UpdateInferenceComponentRuntimeConfigInput => UpdateInferenceComponentRuntimeConfigOutput, UpdateInferenceComponentRuntimeConfigError;
        update_inference_experiment: update_inference_experiment::UpdateInferenceExperimentInput => UpdateInferenceExperimentOutput, UpdateInferenceExperimentError;
        update_mlflow_tracking_server: update_mlflow_tracking_server::UpdateMlflowTrackingServerInput => UpdateMlflowTrackingServerOutput, UpdateMlflowTrackingServerError;
        update_model_card: update_model_card::UpdateModelCardInput => UpdateModelCardOutput, UpdateModelCardError;
        update_model_package: update_model_package::UpdateModelPackageInput => UpdateModelPackageOutput, UpdateModelPackageError;
        update_monitoring_alert: update_monitoring_alert::UpdateMonitoringAlertInput => UpdateMonitoringAlertOutput, UpdateMonitoringAlertError;
        update_monitoring_schedule: update_monitoring_schedule::UpdateMonitoringScheduleInput => UpdateMonitoringScheduleOutput, UpdateMonitoringScheduleError;
        update_notebook_instance: update_notebook_instance::UpdateNotebookInstanceInput => UpdateNotebookInstanceOutput, UpdateNotebookInstanceError;
        update_notebook_instance_lifecycle_config: update_notebook_instance_lifecycle_config::UpdateNotebookInstanceLifecycleConfigInput => UpdateNotebookInstanceLifecycleConfigOutput, UpdateNotebookInstanceLifecycleConfigError;
        update_partner_app: update_partner_app::UpdatePartnerAppInput => UpdatePartnerAppOutput, UpdatePartnerAppError;
        update_pipeline: update_pipeline::UpdatePipelineInput => UpdatePipelineOutput, UpdatePipelineError;
        update_pipeline_execution: update_pipeline_execution::UpdatePipelineExecutionInput => UpdatePipelineExecutionOutput, UpdatePipelineExecutionError;
        update_project: update_project::UpdateProjectInput => UpdateProjectOutput, UpdateProjectError;
        update_space: update_space::UpdateSpaceInput => UpdateSpaceOutput, UpdateSpaceError;
        update_training_job: update_training_job::UpdateTrainingJobInput => UpdateTrainingJobOutput, UpdateTrainingJobError;
        update_trial: update_trial::UpdateTrialInput => UpdateTrialOutput, UpdateTrialError;
        update_trial_component: update_trial_component::UpdateTrialComponentInput => UpdateTrialComponentOutput, UpdateTrialComponentError;
        update_user_profile: update_user_profile::UpdateUserProfileInput => UpdateUserProfileOutput, UpdateUserProfileError;
        update_workforce: update_workforce::UpdateWorkforceInput => UpdateWorkforceOutput, UpdateWorkforceError;
        update_workteam: update_workteam::UpdateWorkteamInput => UpdateWorkteamOutput, UpdateWorkteamError;
    }
}

async fn start(endpoint: Endpoint) -> ServerHandle {
    server::start(endpoint).await.expect("the server starts")
}

fn client(server: &ServerHandle) -> sagemaker::Client {
    let config = sagemaker::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test"))
        .endpoint_url(server.url())
        .build();
    sagemaker::Client::from_conf(config)
}

#[tokio::test]
async fn endpoint_in_service_waits_through_creating() {
    let endpoint = Endpoint::answering(vec![EndpointStatus::Creating, EndpointStatus::InService]);
    let server = start(endpoint.clone()).await;
    let started = Instant::now();
    let poll = client(&server).wait_until_endpoint_in_service().endpoint_name("ep").wait(Duration::from_secs(120)).await.unwrap();
    assert_eq!(poll.into_result().unwrap().endpoint_status(), Some(&EndpointStatus::InService));
    assert_eq!(*endpoint.seen.lock().unwrap(), [Some("ep".to_string()), Some("ep".to_string())]);
    // minDelay is 30 s: one wait of at least that between the two polls.
    assert!(started.elapsed() >= Duration::from_secs(30), "{:?}", started.elapsed());
}

#[tokio::test]
async fn endpoint_in_service_ends_in_the_failure_state_on_failed() {
    let endpoint = Endpoint::answering(vec![EndpointStatus::Failed]);
    let server = start(endpoint.clone()).await;
    match client(&server).wait_until_endpoint_in_service().endpoint_name("ep").wait(Duration::from_secs(120)).await.unwrap_err() {
        WaiterError::FailureState(failure) => {
            assert_eq!(failure.final_poll().as_result().unwrap().endpoint_status(), Some(&EndpointStatus::Failed));
        }
        other => panic!("expected the failure state, got {other:?}"),
    }
    assert_eq!(endpoint.seen.lock().unwrap().len(), 1);
}
